package io.akkaetcd.wal;

import io.akkaetcd.raft.Configuration;
import io.akkaetcd.raft.HardState;
import io.akkaetcd.raft.LogEntry;
import io.akkaetcd.raft.MemoryRaftStorage;
import io.akkaetcd.raft.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays {@link WalEvent}s in journal order into the log a member resumes from. The journal only appends, so a
 * rewritten tail is an {@link WalEvent.EntriesAppended} whose first index is at or below the last one: it replaces
 * everything from there on. After a prefix deletion the first events may begin below the snapshot that follows
 * them; the snapshot drops what it covers.
 */
final class RecoveredLog {
  private Snapshot snapshot = new Snapshot(0, 0, Configuration.EMPTY, new byte[0]);
  private HardState hardState = HardState.EMPTY;
  /** Contiguous; the first may lie at or below snapshot.index() until a later snapshot event drops it. */
  private final List<LogEntry> entries = new ArrayList<>();
  private long events;

  void apply(WalEvent event) {
    events++;
    if (event instanceof WalEvent.EntriesAppended a) {
      append(a.entries());
    } else if (event instanceof WalEvent.HardStateSaved h) {
      hardState = h.hardState();
    } else if (event instanceof WalEvent.SnapshotInstalled s) {
      snapshot = s.snapshot();
      entries.clear();
    } else if (event instanceof WalEvent.SnapshotTaken t) {
      if (t.snapshot().index() > snapshot.index()) snapshot = t.snapshot();
      hardState = t.hardState();
      entries.removeIf(e -> e.index() <= snapshot.index());
    }
  }

  private void append(List<LogEntry> appended) {
    long from = appended.get(0).index();
    if (!entries.isEmpty()) {
      long first = entries.get(0).index();
      long last = first + entries.size() - 1;
      if (from > last + 1) {
        throw new IllegalStateException("WAL: entries from " + from + " follow entry " + last + " (a gap)");
      }
      entries.subList((int) Math.max(0, from - first), entries.size()).clear();
    }
    entries.addAll(appended);
  }

  /** True if no event was replayed: a brand-new member (or one that must be migrated). */
  boolean isEmpty() {
    return events == 0;
  }

  /** The in-memory log the Raft node starts from; fails if the events do not make a contiguous log. */
  MemoryRaftStorage storage() {
    MemoryRaftStorage storage = new MemoryRaftStorage(Configuration.EMPTY);
    if (snapshot.index() > 0) storage.applySnapshot(snapshot);
    if (!entries.isEmpty() && entries.get(0).index() > snapshot.index() + 1) {
      throw new IllegalStateException("WAL: the log resumes at entry " + entries.get(0).index()
          + " but its snapshot covers only up to " + snapshot.index());
    }
    storage.append(entries);
    storage.setHardState(hardState);
    return storage;
  }
}
