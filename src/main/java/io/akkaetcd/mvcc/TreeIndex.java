package io.akkaetcd.mvcc;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Every key's {@link KeyIndex}, ordered by unsigned bytes (etcd's treeIndex). Ranges follow etcd's
 * conventions after {@code mkGteRange}: {@code end == null} is the single key, an empty {@code end}
 * means "to the end of the keyspace", otherwise [key, end).
 */
final class TreeIndex {
  static final Comparator<ByteString> KEY_ORDER = ByteString.unsignedLexicographicalComparator();

  /** A key and the revision of it visible at the revision asked for. */
  record KeyRevision(ByteString key, KeyIndex.Found found) {}

  /** The revisions found by {@link #revisions}: at most {@code limit} of them, and how many there were. */
  record Revisions(List<KeyRevision> found, int total) {}

  private final TreeMap<ByteString, KeyIndex> keys = new TreeMap<>(KEY_ORDER);

  void put(ByteString key, long main, long sub) {
    keys.computeIfAbsent(key, k -> new KeyIndex()).put(main, sub);
  }

  void restorePut(ByteString key, long main, long sub, long createRevision, long version) {
    keys.computeIfAbsent(key, k -> new KeyIndex()).restorePut(main, sub, createRevision, version);
  }

  void tombstone(ByteString key, long main, long sub) {
    KeyIndex ki = keys.get(key);
    if (ki == null) {
      throw new IllegalStateException("tombstone on unknown key");
    }
    ki.tombstone(main, sub);
  }

  /** The key's revision visible at {@code atRev}, or null. */
  KeyIndex.Found get(ByteString key, long atRev) {
    KeyIndex ki = keys.get(key);
    return ki == null ? null : ki.get(atRev);
  }

  /** True if the key exists at the newest revision. */
  boolean isLive(ByteString key) {
    KeyIndex ki = keys.get(key);
    return ki != null && ki.isLive();
  }

  /**
   * The keys of the range that exist at {@code atRev}, in key order: the first {@code limit} of them
   * (all if {@code limit <= 0}), and the count of all of them (etcd's treeIndex.Revisions).
   */
  Revisions revisions(ByteString key, ByteString end, long atRev, long limit) {
    if (end == null) { // the common single-key read: no submap
      KeyIndex.Found f = get(key, atRev);
      return f == null ? new Revisions(List.of(), 0) : new Revisions(List.of(new KeyRevision(key, f)), 1);
    }
    List<KeyRevision> found = new ArrayList<>();
    int total = 0;
    for (Map.Entry<ByteString, KeyIndex> e : span(key, end).entrySet()) {
      KeyIndex.Found f = e.getValue().get(atRev);
      if (f == null) {
        continue;
      }
      if (limit <= 0 || found.size() < limit) {
        found.add(new KeyRevision(e.getKey(), f));
      }
      total++;
    }
    return new Revisions(found, total);
  }

  /** How many keys of the range exist at {@code atRev} (etcd's CountRevisions). */
  int count(ByteString key, ByteString end, long atRev) {
    if (end == null) {
      return get(key, atRev) == null ? 0 : 1;
    }
    int total = 0;
    for (KeyIndex ki : span(key, end).values()) {
      if (ki.get(atRev) != null) {
        total++;
      }
    }
    return total;
  }

  /** Compacts every key at {@code atRev}; keys left with nothing leave the index. */
  void compact(long atRev, CompactedRevisions removed) {
    Iterator<Map.Entry<ByteString, KeyIndex>> it = keys.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<ByteString, KeyIndex> e = it.next();
      ByteString key = e.getKey();
      KeyIndex ki = e.getValue();
      ki.compact(atRev, (main, sub, tombstone) -> removed.removed(key, main, sub, tombstone));
      if (ki.isEmpty()) {
        it.remove();
      }
    }
  }

  /** The revisions a compaction at {@code atRev} would keep, over all keys (etcd's treeIndex.Keep). */
  java.util.Set<Revision> keep(long atRev) {
    java.util.Set<Revision> kept = new java.util.HashSet<>();
    for (KeyIndex ki : keys.values()) {
      Revision r = ki.keep(atRev);
      if (r != null) {
        kept.add(r);
      }
    }
    return kept;
  }

  interface CompactedRevisions {
    void removed(ByteString key, long main, long sub, boolean tombstone);
  }

  /** The generations of {@code key}, oldest first, or null if the index does not hold it. */
  List<List<Revision>> generations(ByteString key) {
    KeyIndex ki = keys.get(key);
    return ki == null ? null : ki.generations();
  }

  /** Number of keys the index holds, live or not. */
  int size() {
    return keys.size();
  }

  /** The keys of [key, end), or from key on when {@code end} is empty; {@code end} is not null here. */
  private NavigableMap<ByteString, KeyIndex> span(ByteString key, ByteString end) {
    if (end.isEmpty()) {
      return keys.tailMap(key, true);
    }
    if (KEY_ORDER.compare(key, end) >= 0) {
      return new TreeMap<>(KEY_ORDER);
    }
    return keys.subMap(key, true, end, false);
  }
}
