package io.akkaetcd.mvcc;

import com.google.protobuf.ByteString;
import io.akkaetcd.bench.Benchmark;
import io.akkaetcd.api.CompactionRequest;
import io.akkaetcd.api.PutRequest;
import java.lang.management.ManagementFactory;
import java.util.function.BiConsumer;

/**
 * Heap bytes per key the MVCC store keeps in memory (the key index and anything else that grows per
 * key), measured as heap in use after a full GC, before and after {@code n} puts of distinct 8-byte keys
 * (bin/benchmark's keys) over a backend that keeps nothing. Not a test: run by hand,
 *
 * <pre>
 *   java -cp target/classes:target/test-classes:$(cat target/runtime-classpath.txt) \
 *       io.akkaetcd.mvcc.IndexFootprint 1000000 [updates-per-key]
 * </pre>
 *
 * With {@code updates-per-key} > 0 each key is put that many more times, the index measured, then
 * compacted at the newest revision and measured again.
 */
public final class IndexFootprint {
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int updates = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    DiscardingBackend backend = new DiscardingBackend();
    MvccStore store = MvccStore.open(backend, LeaseHooks.NONE);
    backend.opened = true;
    ByteString value = ByteString.copyFrom(new byte[256]);
    long before = heapAfterGc();
    for (int round = 0; round <= updates; round++) {
      for (int i = 0; i < n; i++) {
        store.put(PutRequest.newBuilder().setKey(key(i)).setValue(value).build());
        if (i % 1000 == 999) {
          store.commit(false); // as the store actor does: the pending overlay empties at each flush
        }
      }
      store.commit(false);
    }
    long after = heapAfterGc();
    System.out.printf("%,d keys, %d puts each: %,d bytes of heap, %.1f bytes/key%n",
        store.indexedKeys(), updates + 1, after - before, (after - before) / (double) n);
    if (updates > 0) {
      store.compact(CompactionRequest.newBuilder().setRevision(store.currentRevision()).build());
      store.commit(false);
      long compacted = heapAfterGc();
      System.out.printf("after compaction: %,d bytes of heap, %.1f bytes/key%n",
          compacted - before, (compacted - before) / (double) n);
    }
  }

  /** bin/benchmark's 8-byte keys. */
  static ByteString key(long n) {
    return Benchmark.varintKey(n, 8);
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * Holds nothing: once the store is open (it reads its meta keys first) every value reads back as an
   * empty KeyValue; compaction's deletes go nowhere.
   */
  private static final class DiscardingBackend implements Backend {
    private static final byte[] EMPTY_KEY_VALUE = new byte[0];
    boolean opened;

    @Override
    public byte[] get(byte[] key) {
      return opened ? EMPTY_KEY_VALUE : null;
    }

    @Override
    public void scan(byte[] from, byte[] to, BiConsumer<byte[], byte[]> visitor) {}

    @Override
    public PointInTime openPointInTime() {
      throw new UnsupportedOperationException("holds nothing to read");
    }

    @Override
    public void write(WriteBatch batch, boolean sync) {}

    @Override
    public void close() {}
  }
}
