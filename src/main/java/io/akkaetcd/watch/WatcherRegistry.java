package io.akkaetcd.watch;

import com.google.protobuf.ByteString;
import io.akkaetcd.api.Event;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which watchers want which keys, as etcd's {@code watcherGroup}: watchers of a single key in a hash
 * map, watchers of a range (bounded or "from key") in an {@link IntervalTree} with one node per
 * distinct range holding all its watchers (etcd's {@code watcherSetByKey}): a thousand watchers of one
 * prefix cost one node to stab, not a thousand. A watcher is an opaque
 * handle {@code W} (later a watcher actor's ref, or a {@code (stream, watchId)} pair), compared with
 * {@code equals}; each handle holds at most one range.
 *
 * <p>This class knows only ranges. Per-watch state (start revision, filters, prev_kv, ids) lives in
 * {@link WatchStreamState} and {@link WatchFilter}, applied by the caller after routing.
 *
 * <p>Not thread-safe: one owner (the watch actor) calls it.
 */
public final class WatcherRegistry<W> {
  private record Registration<W>(KeyRange range, IntervalTree.Node<Set<W>> node) {}

  /** Single-key watchers, each set in registration order so that routing is deterministic. */
  private final Map<ByteString, Set<W>> keyWatchers = new HashMap<>();

  /** Range watchers, one node per distinct range; each set in registration order. */
  private final IntervalTree<Set<W>> rangeWatchers = new IntervalTree<>();
  private final Map<KeyRange, IntervalTree.Node<Set<W>>> rangeNodes = new HashMap<>();
  private final Map<W, Registration<W>> registrations = new HashMap<>();

  /**
   * Registers {@code watcher} for {@code range}.
   *
   * @throws IllegalArgumentException if the range is empty ({@code key >= range_end})
   * @throws IllegalStateException if the handle is already registered
   */
  public void register(W watcher, KeyRange range) {
    Objects.requireNonNull(watcher, "watcher");
    if (range.isEmpty()) {
      throw new IllegalArgumentException("empty watch range: " + range);
    }
    if (registrations.containsKey(watcher)) {
      throw new IllegalStateException("watcher already registered: " + watcher);
    }
    IntervalTree.Node<Set<W>> node = null;
    if (range.isSingleKey()) {
      keyWatchers.computeIfAbsent(range.key(), k -> new LinkedHashSet<>()).add(watcher);
    } else {
      node = rangeNodes.computeIfAbsent(range, r ->
          rangeWatchers.insert(r.key(), r.isFromKey() ? null : r.rangeEnd(), new LinkedHashSet<>()));
      node.value.add(watcher);
    }
    registrations.put(watcher, new Registration<>(range, node));
  }

  /** Removes {@code watcher}; false if it was not registered. */
  public boolean unregister(W watcher) {
    Registration<W> reg = registrations.remove(watcher);
    if (reg == null) {
      return false;
    }
    if (reg.node() == null) {
      Set<W> set = keyWatchers.get(reg.range().key());
      set.remove(watcher);
      if (set.isEmpty()) {
        keyWatchers.remove(reg.range().key());
      }
    } else {
      reg.node().value.remove(watcher);
      if (reg.node().value.isEmpty()) {
        rangeWatchers.remove(reg.node());
        rangeNodes.remove(reg.range());
      }
    }
    return true;
  }

  public Optional<KeyRange> rangeOf(W watcher) {
    Registration<W> reg = registrations.get(watcher);
    return reg == null ? Optional.empty() : Optional.of(reg.range());
  }

  public int size() {
    return registrations.size();
  }

  /** Nodes in the interval tree: one per distinct range with watchers. */
  int rangeNodes() {
    return rangeWatchers.size();
  }

  /**
   * The watchers whose range holds {@code key}: single-key watchers first, in registration order,
   * then range watchers in order of range start. O(1) for the single-key part plus a stabbing query.
   */
  public List<W> matching(ByteString key) {
    Set<W> exact = keyWatchers.getOrDefault(key, Collections.emptySet());
    List<W> out = new ArrayList<>(exact);
    rangeWatchers.stab(key, out::addAll);
    return out;
  }

  /**
   * Splits the events of one revision among the watchers that want them: each watcher gets one list
   * holding its events in their original order, so a revision reaches a watcher as one batch (etcd's
   * {@code newWatcherBatch}). Watchers that want none of the events are absent. The map iterates in
   * order of each watcher's first event.
   */
  public Map<W, List<Event>> route(List<Event> eventsOfOneRevision) {
    Map<W, List<Event>> batches = new LinkedHashMap<>();
    for (Event event : eventsOfOneRevision) {
      for (W watcher : matching(event.getKv().getKey())) {
        batches.computeIfAbsent(watcher, w -> new ArrayList<>()).add(event);
      }
    }
    return batches;
  }
}
