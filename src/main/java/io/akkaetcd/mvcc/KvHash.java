package io.akkaetcd.mvcc;

import java.util.Set;
import java.util.zip.CRC32C;

/**
 * etcd's HashByRev: a CRC-32C (Castagnoli) over the bucket name "key" and then every key-bucket pair
 * up to a revision, key (etcd's 17 bytes main '_' sub, plus 't' for a tombstone) then value. Revisions
 * at or below the compact revision count only if a compaction at that revision would keep them.
 * Members that applied the same log hash alike, which is what `etcdctl endpoint hashkv` compares.
 */
public final class KvHash {
  private static final byte[] KEY_BUCKET_NAME = {'k', 'e', 'y'};

  /** The hash, and the store's current and compact revisions as etcd's HashKVResponse reports them. */
  public record Result(int hash, long currentRevision, long compactRevision) {}

  private KvHash() {}

  /**
   * @param compactRev etcd's compactMainRev: -1 before any compaction
   * @param keep the revisions a compaction at {@code rev} would keep (etcd's treeIndex.Keep)
   */
  static int hash(Backend backend, long rev, long compactRev, Set<Revision> keep) {
    CRC32C crc = new CRC32C();
    crc.update(KEY_BUCKET_NAME);
    long lowerMain = compactRev + 1;
    backend.scan(BackendLayout.KEY_BUCKET_START, BackendLayout.KEY_BUCKET_END, (k, v) -> {
      Revision r = BackendLayout.revisionOf(k);
      if (r.main() > rev) {
        return;
      }
      if (r.main() < lowerMain && !keep.isEmpty() && !keep.contains(r)) {
        return;
      }
      crc.update(BackendLayout.withoutBucket(k));
      crc.update(v);
    });
    return (int) crc.getValue();
  }
}
