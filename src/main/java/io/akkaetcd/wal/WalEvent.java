package io.akkaetcd.wal;

import io.akkaetcd.raft.HardState;
import io.akkaetcd.raft.LogEntry;
import io.akkaetcd.raft.Snapshot;
import java.util.List;

/**
 * What the {@link WalActor} journals: the Raft log as an append-only stream of events. Replaying them in
 * order through {@link RecoveredLog} rebuilds what the member had made durable. Snapshots carry metadata
 * only (their data is the MVCC store).
 */
public sealed interface WalEvent {

  /** Whether the journal must be on disk before it acknowledges a batch holding this event. */
  default boolean needsSync() {
    return true;
  }

  /** Entries from {@code entries.get(0).index()} on; a first index at or below the last one replaces that tail. */
  record EntriesAppended(List<LogEntry> entries) implements WalEvent {
    public EntriesAppended {
      if (entries.isEmpty()) throw new IllegalArgumentException("no entries");
      entries = List.copyOf(entries);
    }
  }

  /** A new term, vote or commit; {@code synced} is false when only the commit moved (etcd writes that lazily). */
  record HardStateSaved(HardState hardState, boolean synced) implements WalEvent {
    @Override
    public boolean needsSync() {
      return synced;
    }
  }

  /** A snapshot received from the leader replaces the whole log. */
  record SnapshotInstalled(Snapshot snapshot) implements WalEvent {
    public SnapshotInstalled {
      snapshot = metadataOnly(snapshot);
    }
  }

  /**
   * The store is durable up to {@code snapshot.index()}: the log up to it is dropped. It carries the hard state
   * so that every event before the one holding entry {@code index + 1} can be deleted.
   */
  record SnapshotTaken(Snapshot snapshot, HardState hardState) implements WalEvent {
    public SnapshotTaken {
      snapshot = metadataOnly(snapshot);
    }
  }

  private static Snapshot metadataOnly(Snapshot s) {
    return s.data().length == 0 ? s : new Snapshot(s.index(), s.term(), s.configuration(), new byte[0]);
  }
}
