package io.akkaetcd.mvcc;

import java.util.function.BiConsumer;

/**
 * Ordered byte-key storage under the MVCC store, as etcd's bolt backend is. Keys compare as unsigned
 * bytes. The store never does I/O itself: the member gives it a LevelDB backend, tests an in-memory one.
 */
public interface Backend extends AutoCloseable {

  /** The value at {@code key}, or null. Sees only what earlier {@link #write} calls stored. */
  byte[] get(byte[] key);

  /** Calls {@code visitor} for every key in [{@code from}, {@code to}) in key order; {@code to} null means no end. */
  void scan(byte[] from, byte[] to, BiConsumer<byte[], byte[]> visitor);

  /** Applies every put and delete of {@code batch} atomically; with {@code sync}, on disk before it returns. */
  void write(WriteBatch batch, boolean sync);

  /**
   * A consistent view of everything written so far, unaffected by later writes, read in key order a
   * pair at a time: what a snapshot for a follower is streamed from while this store goes on applying.
   */
  PointInTime openPointInTime();

  /**
   * Reclaims the space of deleted and overwritten pairs (etcd's defragment). Called off the owning thread:
   * it runs while this backend goes on serving reads and writes. Nothing to do for a backend without files.
   */
  default void compact() {}

  @Override
  void close();

  /** Pairs of one point in time, in key order; closing it releases what holds that point. */
  interface PointInTime extends AutoCloseable {
    /** The next pair's key, value; null once all are read. */
    byte[][] next();

    @Override
    void close();
  }
}
