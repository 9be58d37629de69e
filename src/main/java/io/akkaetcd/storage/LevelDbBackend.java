package io.akkaetcd.storage;

import static org.fusesource.leveldbjni.JniDBFactory.factory;

import io.akkaetcd.mvcc.Backend;
import io.akkaetcd.mvcc.WriteBatch;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteOptions;

/** The MVCC backend on native LevelDB (leveldbjni). LevelDB's default comparator is unsigned bytewise. */
public final class LevelDbBackend implements Backend {
  private static final WriteOptions SYNC = new WriteOptions().sync(true);
  private static final WriteOptions NO_SYNC = new WriteOptions().sync(false);

  /** Listing the directory costs ~100 µs: on the write path (the quota check) it is refreshed at most this often. */
  private static final long SIZE_REFRESH_NANOS = 1_000_000_000L;

  private final Path dir;
  private final DB db;
  private long sizeBytes = -1;
  private long sizeMeasuredAtNanos;

  private LevelDbBackend(Path dir, DB db) {
    this.dir = dir;
    this.db = db;
  }

  public static LevelDbBackend open(Path dir) {
    try {
      Files.createDirectories(dir);
      Options options = new Options().createIfMissing(true).cacheSize(64L << 20);
      return new LevelDbBackend(dir, factory.open(dir.toFile(), options));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open LevelDB at " + dir, e);
    }
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

  @Override
  public long sizeBytes() {
    long now = System.nanoTime();
    if (sizeBytes < 0 || now - sizeMeasuredAtNanos > SIZE_REFRESH_NANOS) {
      try (Stream<Path> files = Files.list(dir)) {
        sizeBytes = files.map(Path::toFile).mapToLong(File::length).sum();
      } catch (IOException e) {
        sizeBytes = 0;
      }
      sizeMeasuredAtNanos = now;
    }
    return sizeBytes;
  }

  @Override
  public void close() {
    try {
      db.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
