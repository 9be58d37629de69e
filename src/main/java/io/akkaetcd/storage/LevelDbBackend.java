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
import java.util.function.BiConsumer;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteOptions;

/** The MVCC backend on native LevelDB (leveldbjni). LevelDB's default comparator is unsigned bytewise. */
public final class LevelDbBackend implements Backend {
  private static final WriteOptions SYNC = new WriteOptions().sync(true);
  private static final WriteOptions NO_SYNC = new WriteOptions().sync(false);

  private final DB db;

  private LevelDbBackend(DB db) {
    this.db = db;
  }

  public static LevelDbBackend open(Path dir) {
    try {
      Files.createDirectories(dir);
      Options options = new Options().createIfMissing(true).cacheSize(64L << 20);
      return new LevelDbBackend(factory.open(dir.toFile(), options));
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
  public void close() {
    try {
      db.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
