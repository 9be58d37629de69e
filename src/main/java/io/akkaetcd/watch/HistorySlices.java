package io.akkaetcd.watch;

import io.akkaetcd.api.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One history read shared by the watchers catching up together (etcd's syncWatchers): each takes the
 * events of its range from its own next revision on. The events are filtered once per distinct range,
 * so a thousand watchers of one prefix cost one pass, then a binary search each.
 */
public final class HistorySlices {
  private final List<Event> events;
  private final Map<KeyRange, List<Event>> byRange = new HashMap<>();

  /** @param events the read's events, in revision order */
  public HistorySlices(List<Event> events) {
    this.events = events;
  }

  /** The events of {@code range} at or after {@code fromRevision}, in order. */
  public List<Event> slice(KeyRange range, long fromRevision) {
    List<Event> inRange = byRange.computeIfAbsent(range, this::inRange);
    return inRange.subList(firstAtOrAfter(inRange, fromRevision), inRange.size());
  }

  private List<Event> inRange(KeyRange range) {
    List<Event> out = new ArrayList<>();
    for (Event e : events) {
      if (range.contains(e.getKv().getKey())) {
        out.add(e);
      }
    }
    return out;
  }

  private static int firstAtOrAfter(List<Event> events, long revision) {
    int lo = 0;
    int hi = events.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (events.get(mid).getKv().getModRevision() < revision) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
