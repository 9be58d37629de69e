package io.akkaetcd.wal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** etcd's member/wal (its *.wal segments) is never taken for this project's old LevelDB Raft log. */
class LegacyWalDetectionTest {
  @Test
  void etcdsSegmentsAreNotTheOldLayout(@TempDir Path dir) throws Exception {
    Path etcdWal = Files.createDirectories(dir.resolve("etcd/member/wal"));
    Files.write(etcdWal.resolve("0000000000000000-0000000000000000.wal"), new byte[64]);
    assertFalse(LegacyWal.exists(etcdWal));

    Path old = dir.resolve("old/member/wal");
    try (OldRaftWal wal = OldRaftWal.open(old)) {
      // an empty old database is still the old layout
    }
    assertTrue(LegacyWal.exists(old));
    assertFalse(LegacyWal.exists(dir.resolve("none")));
  }
}
