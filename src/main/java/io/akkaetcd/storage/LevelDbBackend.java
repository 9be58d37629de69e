package io.akkaetcd.storage;

import static org.fusesource.leveldbjni.JniDBFactory.factory;

import io.akkaetcd.mvcc.Backend;
import io.akkaetcd.mvcc.WriteBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.ReadOptions;
import org.iq80.leveldb.WriteOptions;

/**
 * The MVCC backend on native LevelDB (leveldbjni). LevelDB's default comparator is unsigned bytewise.
 *
 * <p>Its whole content can be replaced by a complete {@link SnapshotStaging} directory (a snapshot
 * streamed from the leader): the directories are swapped by renames, so a crash at any point leaves
 * either the old store or the new one, which {@link #open} finishes or rolls back.
 */
public final class LevelDbBackend implements Backend {
  private static final WriteOptions SYNC = new WriteOptions().sync(true);
  private static final WriteOptions NO_SYNC = new WriteOptions().sync(false);

  private final Path dir;
  /** Replaced only by {@link #replaceWith}, on the thread that owns this backend's writes. */
  private volatile DB db;
  private final Set<View> views = ConcurrentHashMap.newKeySet();
  /** A compaction holds it shared; closing or replacing the database holds it exclusively (JNI on a closed DB crashes). */
  private final ReentrantReadWriteLock compaction = new ReentrantReadWriteLock();

  private LevelDbBackend(Path dir, DB db) {
    this.dir = dir;
    this.db = db;
  }

  public static LevelDbBackend open(Path dir) {
    SnapshotStaging.recover(dir);
    return new LevelDbBackend(dir, openDb(dir));
  }

  private static DB openDb(Path dir) {
    try {
      Files.createDirectories(dir);
      Options options = new Options().createIfMissing(true).cacheSize(64L << 20);
      return factory.open(dir.toFile(), options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open LevelDB at " + dir, e);
    }
  }

  public Path dir() {
    return dir;
  }

  @Override
  public byte[] get(byte[] key) {
    return db.get(key);
  }

  @Override
  public void scan(byte[] from, byte[] to, BiConsumer<byte[], byte[]> visitor) {
    try (DBIterator it = db.iterator()) {
      it.seek(from);
      while (it.hasNext()) {
        Map.Entry<byte[], byte[]> e = it.next();
        if (to != null && Arrays.compareUnsigned(e.getKey(), to) >= 0) {
          return;
        }
        visitor.accept(e.getKey(), e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void write(WriteBatch batch, boolean sync) {
    if (batch.isEmpty()) {
      return;
    }
    try (org.iq80.leveldb.WriteBatch native_ = db.createWriteBatch()) {
      for (WriteBatch.Op op : batch.ops()) {
        if (op.value() == null) {
          native_.delete(op.key());
        } else {
          native_.put(op.key(), op.value());
        }
      }
      db.write(native_, sync ? SYNC : NO_SYNC);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A LevelDB snapshot read by an iterator that leaves the block cache alone (a full scan would flush it). */
  @Override
  public PointInTime openPointInTime() {
    View view = new View(db);
    views.add(view);
    return view;
  }

  /**
   * Makes the complete staged store {@code staged} this backend's content: views still open are closed
   * (their readers fail), the directories swap, and the database reopens over the new content.
   */
  public void replaceWith(Path staged) {
    compaction.writeLock().lock();
    try {
      closeDb();
      SnapshotStaging.swapIn(staged, dir);
      db = openDb(dir);
    } finally {
      compaction.writeLock().unlock();
    }
  }

  /**
   * LevelDB's manual compaction of the whole key range: every level rewritten without the deleted and
   * overwritten pairs. LevelDB runs it beside reads and writes (they are not locked out; writes may slow
   * while level 0 is full), so the store actor hands it to another thread and answers once it is done.
   */
  @Override
  public void compact() {
    compaction.readLock().lock();
    try {
      db.compactRange(null, null);
    } finally {
      compaction.readLock().unlock();
    }
  }

  @Override
  public void close() {
    compaction.writeLock().lock();
    try {
      closeDb();
    } finally {
      compaction.writeLock().unlock();
    }
  }

  private void closeDb() {
    for (View v : views) {
      v.close();
    }
    try {
      db.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final class View implements PointInTime {
    private final org.iq80.leveldb.Snapshot snapshot;
    private final DBIterator iterator;
    private boolean closed;

    View(DB db) {
      snapshot = db.getSnapshot();
      iterator = db.iterator(new ReadOptions().snapshot(snapshot).fillCache(false));
      iterator.seekToFirst();
    }

    /** Synchronized with {@link #close}: the store may replace the database under a reader's feet. */
    @Override
    public synchronized byte[][] next() {
      if (closed) {
        throw new IllegalStateException("the store's point-in-time view was closed (the store was replaced)");
      }
      if (!iterator.hasNext()) {
        return null;
      }
      Map.Entry<byte[], byte[]> e = iterator.next();
      return new byte[][] {e.getKey(), e.getValue()};
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      views.remove(this);
      try {
        iterator.close();
        snapshot.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
