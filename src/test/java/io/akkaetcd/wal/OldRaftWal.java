package io.akkaetcd.wal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.akkaetcd.raftlog.proto.EntryProto;
import io.akkaetcd.raftlog.proto.HardStateProto;
import io.akkaetcd.raftlog.proto.SnapshotProto;
import io.akkaetcd.mvcc.WriteBatch;
import io.akkaetcd.raft.Configuration;
import io.akkaetcd.raft.HardState;
import io.akkaetcd.raft.LogEntry;
import io.akkaetcd.raft.MemoryRaftStorage;
import io.akkaetcd.raft.Snapshot;
import io.akkaetcd.raftlog.RaftLogCodec;
import io.akkaetcd.storage.LevelDbBackend;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Raft log as the member wrote it before the WAL actor (storage.RaftWal at 96e2e0c, unchanged but for its
 * name and the codec's move to raftlog.RaftLogCodec): tests write old-layout data dirs with it to check their migration.
 */
final class OldRaftWal implements AutoCloseable {
  private static final byte ENTRY = 'e';
  private static final byte[] HARD_STATE = {'h'};
  private static final byte[] SNAPSHOT = {'s'};

  private final LevelDbBackend db;
  private long firstIndex = 1;
  private long lastIndex;

  private OldRaftWal(LevelDbBackend db) {
    this.db = db;
  }

  static OldRaftWal open(Path dir) {
    return new OldRaftWal(LevelDbBackend.open(dir));
  }

  /** True if nothing was ever saved: a brand-new member. */
  public boolean isEmpty() {
    return db.get(HARD_STATE) == null && db.get(SNAPSHOT) == null;
  }

  /** Rebuilds the in-memory log a restarted member resumes from. */
  public MemoryRaftStorage load() {
    MemoryRaftStorage storage = new MemoryRaftStorage(Configuration.EMPTY);
    try {
      byte[] snap = db.get(SNAPSHOT);
      if (snap != null) {
        Snapshot s = RaftLogCodec.decode(SnapshotProto.parseFrom(snap));
        storage.applySnapshot(s);
      }
      List<LogEntry> entries = new ArrayList<>();
      db.scan(new byte[] {ENTRY}, new byte[] {ENTRY + 1}, (k, v) -> {
        try {
          entries.add(RaftLogCodec.decode(EntryProto.parseFrom(v)));
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("corrupt WAL entry", e);
        }
      });
      storage.append(entries);
      byte[] hs = db.get(HARD_STATE);
      if (hs != null) {
        storage.setHardState(RaftLogCodec.decode(HardStateProto.parseFrom(hs)));
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt WAL", e);
    }
    firstIndex = storage.firstIndex();
    lastIndex = storage.lastIndex();
    return storage;
  }

  /**
   * Persists one Ready's durable part: a snapshot received from the leader (replacing the whole log),
   * entries (overwriting any conflicting tail) and the hard state; with {@code sync}, on disk before it
   * returns (writes are applied in order, so a later synced save covers an earlier lazy one).
   */
  public void save(HardState hardState, List<LogEntry> entries, Snapshot snapshot, boolean sync) {
    WriteBatch batch = new WriteBatch();
    if (snapshot != null) {
      deleteEntries(batch, firstIndex, lastIndex);
      batch.put(SNAPSHOT, RaftLogCodec.encode(withoutData(snapshot)).toByteArray());
      firstIndex = snapshot.index() + 1;
      lastIndex = snapshot.index();
    }
    if (!entries.isEmpty()) {
      long from = entries.get(0).index();
      deleteEntries(batch, Math.max(from, firstIndex), lastIndex);
      for (LogEntry e : entries) {
        batch.put(entryKey(e.index()), RaftLogCodec.encode(e).toByteArray());
      }
      lastIndex = entries.get(entries.size() - 1).index();
    }
    if (hardState != null) {
      batch.put(HARD_STATE, RaftLogCodec.encode(hardState).toByteArray());
    }
    db.write(batch, sync);
  }

  /** Drops entries up to {@code snapshot.index()}, which the MVCC backend now holds durably. */
  public void compact(Snapshot snapshot) {
    WriteBatch batch = new WriteBatch();
    deleteEntries(batch, firstIndex, Math.min(snapshot.index(), lastIndex));
    batch.put(SNAPSHOT, RaftLogCodec.encode(withoutData(snapshot)).toByteArray());
    db.write(batch, true);
    firstIndex = Math.max(firstIndex, snapshot.index() + 1);
  }

  private static Snapshot withoutData(Snapshot s) {
    return new Snapshot(s.index(), s.term(), s.configuration(), new byte[0]);
  }

  private static void deleteEntries(WriteBatch batch, long from, long to) {
    for (long i = from; i <= to; i++) {
      batch.delete(entryKey(i));
    }
  }

  private static byte[] entryKey(long index) {
    return ByteBuffer.allocate(9).put(ENTRY).putLong(index).array();
  }

  @Override
  public void close() {
    db.close();
  }
}
