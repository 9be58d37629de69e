package io.akkaetcd.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.akkaetcd.mvcc.Backend;
import io.akkaetcd.mvcc.WriteBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store arriving beside the live one: whatever point a crash hits, the next open sees one whole store. */
class SnapshotStagingTest {
  @TempDir
  Path root;

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  private static WriteBatch batch(String key, String value) {
    WriteBatch batch = new WriteBatch();
    batch.put(b(key), b(value));
    return batch;
  }

  private Path live() {
    return root.resolve("kv");
  }

  private void liveStoreWith(String key) {
    try (LevelDbBackend backend = LevelDbBackend.open(live())) {
      backend.write(batch(key, "old"), true);
    }
  }

  private static byte[] get(String key, Path dir) {
    try (LevelDbBackend backend = LevelDbBackend.open(dir)) {
      return backend.get(b(key));
    }
  }

  @Test
  void aTransferCutShortLeavesTheOldStoreAndIsDroppedAtTheNextOpen() {
    liveStoreWith("mine");
    SnapshotStaging staging = SnapshotStaging.begin(live());
    staging.write(List.<byte[][]>of(new byte[][] {b("theirs"), b("new")}));
    // The process dies here: the staging database is never completed (its directory stays behind).
    assertArrayEquals(b("old"), get("mine", live()));
    assertNull(get("theirs", live()));
    assertFalse(Files.exists(SnapshotStaging.stagingDir(live())), "the unfinished transfer was dropped");
  }

  @Test
  void anIncompleteStagedStoreIsNeverSwappedIn() {
    liveStoreWith("mine");
    try (LevelDbBackend backend = LevelDbBackend.open(live())) {
      assertThrows(IllegalStateException.class, () -> backend.replaceWith(SnapshotStaging.stagingDir(live())));
    }
  }

  @Test
  void aSwapCutBetweenItsRenamesIsFinishedAtTheNextOpen() throws Exception {
    liveStoreWith("mine");
    SnapshotStaging staging = SnapshotStaging.begin(live());
    staging.write(List.<byte[][]>of(new byte[][] {b("theirs"), b("new")}));
    Path staged = staging.complete();
    // The first rename happened, the second did not.
    Files.move(live(), root.resolve("kv.old"));
    assertArrayEquals(b("new"), get("theirs", live()));
    assertNull(get("mine", live()));
    assertFalse(Files.exists(staged));
    assertFalse(Files.exists(root.resolve("kv.old")));
  }

  @Test
  void replaceWithSwapsTheContentAndClosesViewsOfTheOldOne() {
    liveStoreWith("mine");
    try (LevelDbBackend backend = LevelDbBackend.open(live())) {
      Backend.PointInTime view = backend.openPointInTime();
      SnapshotStaging staging = SnapshotStaging.begin(live());
      staging.write(List.<byte[][]>of(new byte[][] {b("theirs"), b("new")}));
      backend.replaceWith(staging.complete());
      assertArrayEquals(b("new"), backend.get(b("theirs")));
      assertNull(backend.get(b("mine")));
      assertThrows(IllegalStateException.class, view::next, "a reader of the replaced store fails, never reads freed memory");
    }
    assertFalse(Files.exists(root.resolve("kv.old")));
  }

  @Test
  void aPointInTimeViewDoesNotSeeLaterWrites() {
    try (LevelDbBackend backend = LevelDbBackend.open(live())) {
      backend.write(batch("a", "1"), false);
      try (Backend.PointInTime view = backend.openPointInTime()) {
        backend.write(batch("b", "2"), false);
        backend.write(batch("a", "changed"), false);
        byte[][] first = view.next();
        assertArrayEquals(b("a"), first[0]);
        assertArrayEquals(b("1"), first[1]);
        assertNull(view.next());
      }
    }
  }
}
