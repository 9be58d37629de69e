package io.akkaetcd.mvcc;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Backend writes not yet committed, and the overlay reads consult meanwhile. Only values of puts are
 * read back by revision, so the overlay maps revisions of puts to their serialized KeyValue; tombstones
 * and meta go only to the batch. Once {@link #flush} has handed the batch to the backend, the backend
 * answers for everything.
 *
 * <p>It also counts the key bucket's bytes as etcd's bolt would hold them ({@link #keyBucketBytes}).
 */
final class PendingWrites {
  private final Backend backend;
  private WriteBatch batch = new WriteBatch();
  private final Map<Revision, byte[]> overlay = new HashMap<>();

  PendingWrites(Backend backend) {
    this.backend = backend;
  }

  /** A bolt leaf element's header (flags, position, key and value sizes), which every pair costs. */
  static final int ELEMENT_OVERHEAD = 16;

  private long keyBucketBytes;

  void putRevision(long main, long sub, boolean tombstone, byte[] value) {
    byte[] key = BackendLayout.revisionKey(main, sub, tombstone);
    batch.put(key, value);
    if (!tombstone) {
      overlay.put(new Revision(main, sub), value);
    }
    keyBucketBytes += entryBytes(key.length, value.length);
  }

  /** Drops a revision of {@code key} (compaction); a tombstone's value is the KeyValue of the key alone. */
  void deleteRevision(ByteString key, long main, long sub, boolean tombstone) {
    byte[] revisionKey = BackendLayout.revisionKey(main, sub, tombstone);
    int valueLength;
    if (tombstone) {
      valueLength = 1 + CodedOutputStream.computeUInt32SizeNoTag(key.size()) + key.size();
    } else {
      byte[] value = valueAt(main, sub);
      valueLength = value == null ? 0 : value.length;
    }
    keyBucketBytes -= entryBytes(revisionKey.length, valueLength);
    batch.delete(revisionKey);
    overlay.remove(new Revision(main, sub));
  }

  /** Counts a pair found in the key bucket as the store opens. */
  void countStored(byte[] revisionKey, byte[] value) {
    keyBucketBytes += entryBytes(revisionKey.length, value.length);
  }

  /**
   * The key bucket's size as etcd's bolt would hold it: per revision, etcd's 17-byte revision key (18
   * for a tombstone), the serialized KeyValue and an element header. Pending writes count.
   */
  long keyBucketBytes() {
    return keyBucketBytes;
  }

  /** Without this store's one-byte bucket prefix, which etcd's keys do not have. */
  private static long entryBytes(int prefixedKeyLength, int valueLength) {
    return ELEMENT_OVERHEAD + (prefixedKeyLength - 1) + valueLength;
  }

  /** A raw put outside the key bucket (the lease bucket); never read back through the overlay. */
  void putRaw(byte[] key, byte[] value) {
    batch.put(key, value);
  }

  void deleteRaw(byte[] key) {
    batch.delete(key);
  }

  Backend backend() {
    return backend;
  }

  void putMeta(byte[] key, long value) {
    batch.put(key, BackendLayout.encodeLong(value));
  }

  /** The serialized KeyValue put at {@code main.sub}, from the overlay or the backend; null if absent. */
  byte[] valueAt(long main, long sub) {
    byte[] pending = overlay.get(new Revision(main, sub));
    if (pending != null) {
      return pending;
    }
    return backend.get(BackendLayout.revisionKey(main, sub, false));
  }

  boolean isEmpty() {
    return batch.isEmpty();
  }

  /** Number of backend operations waiting for the next flush. */
  int size() {
    return batch.ops().size();
  }

  void flush(boolean sync) {
    if (batch.isEmpty()) {
      return;
    }
    WriteBatch toWrite = batch;
    backend.write(toWrite, sync);
    batch = new WriteBatch();
    overlay.clear();
  }
}
