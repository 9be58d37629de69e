package io.akkaetcd.wal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.akkaetcd.raftlog.RaftLogCodec;
import io.akkaetcd.raftlog.proto.EntryProto;
import io.akkaetcd.raftlog.proto.HardStateProto;
import io.akkaetcd.raftlog.proto.SnapshotProto;
import io.akkaetcd.raft.HardState;
import io.akkaetcd.raft.LogEntry;
import io.akkaetcd.raft.Snapshot;
import io.akkaetcd.storage.LevelDbBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the Raft log of the layout before the WAL actor (member/wal, one LevelDB database keyed {@code 'h'}
 * hard state, {@code 's'} snapshot metadata, {@code 'e' index(8)} entries), only to migrate it into the journal.
 */
final class LegacyWal {
  record Content(Snapshot snapshot, List<LogEntry> entries, HardState hardState) {}

  private LegacyWal() {}

  static boolean exists(Path dir) {
    return dir != null && Files.isDirectory(dir);
  }

  static Content read(Path dir) {
    try (LevelDbBackend db = LevelDbBackend.open(dir)) {
      byte[] snap = db.get(new byte[] {'s'});
      Snapshot snapshot = snap == null ? null : RaftLogCodec.decode(SnapshotProto.parseFrom(snap));
      List<LogEntry> entries = new ArrayList<>();
      db.scan(new byte[] {'e'}, new byte[] {'e' + 1}, (k, v) -> {
        try {
          entries.add(RaftLogCodec.decode(EntryProto.parseFrom(v)));
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("corrupt entry in the old WAL " + dir, e);
        }
      });
      byte[] hs = db.get(new byte[] {'h'});
      return new Content(snapshot, entries, hs == null ? null : RaftLogCodec.decode(HardStateProto.parseFrom(hs)));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt old WAL " + dir, e);
    }
  }

  /** Removes the old database once the journal holds its content durably. */
  static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
