package io.akkaetcd.storage;

import static org.fusesource.leveldbjni.JniDBFactory.factory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteOptions;

/**
 * A store arriving from the leader, written into a fresh LevelDB directory beside the live one
 * ({@code kv.incoming} next to {@code kv}), never into the live store: a member that crashes
 * mid-transfer restarts with its old store intact and is simply sent the snapshot again.
 *
 * <p>The directory counts as complete only once every pair is synced and a {@value #COMPLETE} marker
 * is on disk. {@link LevelDbBackend#replaceWith} then swaps it in with two renames; {@link #recover}
 * (at open) finishes a swap a crash interrupted, or drops an incomplete transfer.
 */
public final class SnapshotStaging implements AutoCloseable {
  static final String COMPLETE = "SNAPSHOT-COMPLETE";
  private static final WriteOptions NO_SYNC = new WriteOptions().sync(false);
  private static final WriteOptions SYNC = new WriteOptions().sync(true);

  private final Path dir;
  private DB db;

  private SnapshotStaging(Path dir, DB db) {
    this.dir = dir;
    this.db = db;
  }

  /** Where a snapshot for the store at {@code liveDir} is staged. */
  public static Path stagingDir(Path liveDir) {
    return liveDir.resolveSibling(liveDir.getFileName() + ".incoming");
  }

  private static Path oldDir(Path liveDir) {
    return liveDir.resolveSibling(liveDir.getFileName() + ".old");
  }

  /** Starts staging from nothing, dropping whatever an earlier transfer left. */
  public static SnapshotStaging begin(Path liveDir) {
    Path dir = stagingDir(liveDir);
    deleteTree(dir);
    try {
      Files.createDirectories(dir);
      return new SnapshotStaging(dir, factory.open(dir.toFile(), new Options().createIfMissing(true)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }

  /** Adds pairs (key, value); not synced: nothing counts until {@link #complete}. */
  public void write(List<byte[][]> pairs) {
    try (org.iq80.leveldb.WriteBatch batch = db.createWriteBatch()) {
      for (byte[][] kv : pairs) {
        batch.put(kv[0], kv[1]);
      }
      db.write(batch, NO_SYNC);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Syncs everything written, closes the database and marks it complete; returns its directory. */
  public Path complete() {
    try (org.iq80.leveldb.WriteBatch empty = db.createWriteBatch()) {
      db.write(empty, SYNC);
      db.close();
      db = null;
      Path marker = dir.resolve(COMPLETE);
      Files.write(marker, new byte[0]);
      try (FileChannel ch = FileChannel.open(marker, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      syncDir(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Drops an unfinished transfer. */
  @Override
  public void close() {
    if (db != null) {
      try {
        db.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      db = null;
      deleteTree(dir);
    }
  }

  /**
   * Writes one more pair into a complete staged store, synced, before it is swapped in (a crash before
   * the swap drops the staged copy anyway: the live store is still there).
   */
  public static void amend(Path staged, byte[] key, byte[] value) {
    if (!Files.exists(staged.resolve(COMPLETE))) {
      throw new IllegalStateException("staged snapshot " + staged + " is not complete");
    }
    try (DB db = factory.open(staged.toFile(), new Options())) {
      db.put(key, value, SYNC);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Drops a complete staged directory that will not be swapped in (the store already holds as much). */
  public static void discard(Path staged) {
    deleteTree(staged);
  }

  /** live -> live.old, staged -> live, then live.old goes; {@link #recover} completes any of it after a crash. */
  static void swapIn(Path staged, Path liveDir) {
    if (!Files.exists(staged.resolve(COMPLETE))) {
      throw new IllegalStateException("staged snapshot " + staged + " is not complete");
    }
    Path old = oldDir(liveDir);
    try {
      deleteTree(old);
      Files.move(liveDir, old, StandardCopyOption.ATOMIC_MOVE);
      Files.move(staged, liveDir, StandardCopyOption.ATOMIC_MOVE);
      syncDir(liveDir.getParent());
      Files.delete(liveDir.resolve(COMPLETE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot swap in the snapshot at " + staged, e);
    }
    deleteTree(old);
  }

  /**
   * Before the store at {@code liveDir} opens: a swap cut short between its renames is finished (the
   * staged store was complete) or undone; an incomplete or unused staged store is dropped.
   */
  static void recover(Path liveDir) {
    Path staged = stagingDir(liveDir);
    Path old = oldDir(liveDir);
    try {
      if (!Files.exists(liveDir)) {
        if (Files.exists(staged.resolve(COMPLETE))) {
          Files.move(staged, liveDir, StandardCopyOption.ATOMIC_MOVE);
        } else if (Files.exists(old)) {
          Files.move(old, liveDir, StandardCopyOption.ATOMIC_MOVE);
        }
      }
      Files.deleteIfExists(liveDir.resolve(COMPLETE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot recover the store at " + liveDir, e);
    }
    deleteTree(old);
    deleteTree(staged);
  }

  private static void syncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
