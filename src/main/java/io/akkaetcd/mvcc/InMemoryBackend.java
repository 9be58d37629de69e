package io.akkaetcd.mvcc;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * A {@link Backend} in a TreeMap, for tests and simulations. Keys compare as unsigned bytes; values
 * are copied in and out so callers cannot change what it holds. {@code sync} is ignored: nothing here
 * survives the JVM anyway, but what was written survives a store being reopened over it.
 */
public final class InMemoryBackend implements Backend {
  private static final Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;

  private final TreeMap<byte[], byte[]> data = new TreeMap<>(UNSIGNED);
  private long writes;
  private boolean closed;

  @Override
  public synchronized byte[] get(byte[] key) {
    byte[] value = data.get(key);
    return value == null ? null : value.clone();
  }

  @Override
  public synchronized void scan(byte[] from, byte[] to, BiConsumer<byte[], byte[]> visitor) {
    NavigableMap<byte[], byte[]> span =
        to == null ? data.tailMap(from, true) : UNSIGNED.compare(from, to) >= 0
            ? new TreeMap<>(UNSIGNED) : data.subMap(from, true, to, false);
    for (Map.Entry<byte[], byte[]> e : span.entrySet()) {
      visitor.accept(e.getKey().clone(), e.getValue().clone());
    }
  }

  @Override
  public synchronized void write(WriteBatch batch, boolean sync) {
    if (closed) {
      throw new IllegalStateException("backend closed");
    }
    for (WriteBatch.Op op : batch.ops()) {
      if (op.value() == null) {
        data.remove(op.key());
      } else {
        data.put(op.key().clone(), op.value().clone());
      }
    }
    writes++;
  }

  /** A copy: the in-memory backend serves tests with small stores. */
  @Override
  public synchronized PointInTime openPointInTime() {
    java.util.Iterator<Map.Entry<byte[], byte[]>> copy = new TreeMap<>(data).entrySet().iterator();
    return new PointInTime() {
      @Override
      public byte[][] next() {
        if (!copy.hasNext()) {
          return null;
        }
        Map.Entry<byte[], byte[]> e = copy.next();
        return new byte[][] {e.getKey().clone(), e.getValue().clone()};
      }

      @Override
      public void close() {}
    };
  }

  /** How many {@link #write} calls have been applied. */
  public synchronized long writeCount() {
    return writes;
  }

  /** Number of entries held. */
  public synchronized int size() {
    return data.size();
  }

  /** Stops further writes; what it holds stays readable. */
  @Override
  public synchronized void close() {
    closed = true;
  }
}
