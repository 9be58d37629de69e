package io.akkaetcd.wal;

import static io.akkaetcd.wal.WalFixture.entries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.akkaetcd.raft.Configuration;
import io.akkaetcd.raft.HardState;
import io.akkaetcd.raft.MemoryRaftStorage;
import io.akkaetcd.raft.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** A data dir of the layout before the WAL actor (member/wal by RaftWal) moves into the journal on first start. */
class WalMigrationTest {

  @Test
  void theOldLogMovesIntoTheJournalOnceWithNothingLost() throws Exception {
    try (WalFixture f = new WalFixture()) {
      Path legacy = f.dir.resolve("wal");
      Configuration conf = new Configuration(new TreeSet<>(List.of(1L, 2L)), new TreeSet<>());
      try (OldRaftWal old = OldRaftWal.open(legacy)) {
        // Written as the old Raft actor did: appends (one rewriting a tail), a compaction, lazy commits.
        old.save(new HardState(1, 1, 0), entries(1, 6, 1), null, true);
        old.save(new HardState(2, 2, 4), entries(5, 9, 2), null, true);
        old.compact(new Snapshot(3, 1, conf, new byte[0]));
        old.save(new HardState(2, 2, 8), List.of(), null, false);
      }

      MemoryRaftStorage migrated = f.recover(f.spawnWal(legacy)).storage();
      assertFalse(Files.exists(legacy), "the old database is removed once the journal holds it");
      assertLog(migrated, conf);

      // Later starts read the journal alone, and it goes on from there.
      f.reopen();
      akka.actor.ActorRef wal = f.spawnWal(legacy);
      MemoryRaftStorage again = f.recover(wal).storage();
      assertLog(again, conf);
      f.save(wal, null, entries(10, 10, 3), new HardState(3, 1, 9));
      f.reopen();
      MemoryRaftStorage later = f.recover(f.spawnWal(legacy)).storage();
      assertEquals(10, later.lastIndex());
      assertEquals(new HardState(3, 1, 9), later.hardState());
    }
  }

  private static void assertLog(MemoryRaftStorage s, Configuration conf) {
    assertEquals(4, s.firstIndex());
    assertEquals(9, s.lastIndex());
    assertEquals(3, s.snapshot().index());
    assertEquals(conf, s.snapshot().configuration());
    assertEquals(entries(4, 4, 1), s.entries(4, 5, Long.MAX_VALUE));
    assertEquals(entries(5, 9, 2), s.entries(5, 10, Long.MAX_VALUE));
    assertEquals(new HardState(2, 2, 8), s.hardState());
  }
}
