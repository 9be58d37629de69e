package io.akkaetcd.mvcc;

import java.util.HashMap;
import java.util.Map;

/**
 * Backend writes not yet committed, and the overlay reads consult meanwhile. Only values of puts are
 * read back by revision, so the overlay maps revisions of puts to their serialized KeyValue; tombstones
 * and meta go only to the batch. Once {@link #flush} has handed the batch to the backend, the backend
 * answers for everything.
 */
final class PendingWrites {
  private final Backend backend;
  private WriteBatch batch = new WriteBatch();
  private final Map<Revision, byte[]> overlay = new HashMap<>();

  PendingWrites(Backend backend) {
    this.backend = backend;
  }

  void putRevision(long main, long sub, boolean tombstone, byte[] value) {
    batch.put(BackendLayout.revisionKey(main, sub, tombstone), value);
    if (!tombstone) {
      overlay.put(new Revision(main, sub), value);
    }
  }

  void deleteRevision(long main, long sub, boolean tombstone) {
    batch.delete(BackendLayout.revisionKey(main, sub, tombstone));
    overlay.remove(new Revision(main, sub));
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
