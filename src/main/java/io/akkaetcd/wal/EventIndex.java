package io.akkaetcd.wal;

import java.util.Map;
import java.util.TreeMap;

/**
 * Which journal event holds each entry of the log, so that a snapshot at index {@code i} can delete every event
 * before the one holding entry {@code i + 1}: those hold only entries the snapshot covers, entries since
 * rewritten, or hard states and snapshots that the snapshot event supersedes.
 */
final class EventIndex {
  /** First index of each EntriesAppended still holding live entries, to its sequence number. */
  private final TreeMap<Long, Long> eventByFirstIndex = new TreeMap<>();
  private long lastIndex;

  /** Records a durable (or replayed) event; for a SnapshotTaken, returns the sequence number to delete up to. */
  long apply(WalEvent event, long seqNr) {
    if (event instanceof WalEvent.EntriesAppended a) {
      long first = a.entries().get(0).index();
      eventByFirstIndex.tailMap(first, true).clear();
      eventByFirstIndex.put(first, seqNr);
      lastIndex = a.entries().get(a.entries().size() - 1).index();
    } else if (event instanceof WalEvent.SnapshotInstalled s) {
      eventByFirstIndex.clear();
      lastIndex = s.snapshot().index();
    } else if (event instanceof WalEvent.SnapshotTaken t) {
      long index = t.snapshot().index();
      if (lastIndex <= index) {
        eventByFirstIndex.clear();
        lastIndex = index;
        return seqNr - 1;
      }
      Map.Entry<Long, Long> holder = eventByFirstIndex.floorEntry(index + 1);
      if (holder == null) return 0;
      eventByFirstIndex.headMap(holder.getKey(), false).clear();
      return holder.getValue() - 1;
    }
    return 0;
  }
}
