package io.akkaetcd.mvcc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Lays state imported from etcd's bolt buckets into this store's keyspace ({@link BackendLayout}): the
 * key bucket's pairs keep their revision keys and mvccpb.KeyValue values, which are etcd's.
 */
public final class BackendImport {
  private static final byte[] IMPORTED_FROM = metaKey("importedFrom");
  private static final byte[] IMPORTED_MEMBER_ID = metaKey("importedMemberId");
  private static final byte[] IMPORTED_CLUSTER_ID = metaKey("importedClusterId");
  private static final byte[] IMPORTED_LOG_JOURNALED = metaKey("importedLogJournaled");

  /** The identity an imported member keeps: etcd's member and cluster IDs, not ones derived from flags. */
  public record Identity(long memberId, long clusterId, String description) {}

  private BackendImport() {}

  /** @param etcdRevisionKey main(8) '_' sub(8) ['t'], as etcd's key bucket holds it */
  public static void revision(WriteBatch batch, byte[] etcdRevisionKey, byte[] keyValue) {
    byte[] key = new byte[etcdRevisionKey.length + 1];
    key[0] = BackendLayout.KEY_BUCKET;
    System.arraycopy(etcdRevisionKey, 0, key, 1, etcdRevisionKey.length);
    batch.put(key, keyValue);
  }

  /** @param compactRevision -1 if etcd never compacted */
  public static void meta(WriteBatch batch, long currentRevision, long compactRevision, long consistentIndex) {
    batch.put(BackendLayout.META_CURRENT_REVISION, BackendLayout.encodeLong(currentRevision));
    if (compactRevision >= 0) {
      batch.put(BackendLayout.META_COMPACT_REVISION, BackendLayout.encodeLong(compactRevision));
    }
    batch.put(BackendLayout.META_CONSISTENT_INDEX, BackendLayout.encodeLong(consistentIndex));
  }

  public static void lease(WriteBatch batch, long id, long ttlSeconds, long remainingTtlSeconds) {
    batch.put(BackendLayout.leaseKey(id), ByteBuffer.allocate(16).putLong(ttlSeconds).putLong(remainingTtlSeconds).array());
  }

  /** Written last, once the import is complete: the identity carried over and what it came from. */
  public static void markImported(WriteBatch batch, long memberId, long clusterId, String description) {
    batch.put(IMPORTED_MEMBER_ID, BackendLayout.encodeLong(memberId));
    batch.put(IMPORTED_CLUSTER_ID, BackendLayout.encodeLong(clusterId));
    batch.put(IMPORTED_FROM, description.getBytes(StandardCharsets.UTF_8));
  }

  /** What {@link #markImported} wrote, or null if this store was not imported (or not fully). */
  public static Identity imported(Backend backend) {
    byte[] v = backend.get(IMPORTED_FROM);
    if (v == null) {
      return null;
    }
    return new Identity(BackendLayout.decodeLong(backend.get(IMPORTED_MEMBER_ID)),
        BackendLayout.decodeLong(backend.get(IMPORTED_CLUSTER_ID)), new String(v, StandardCharsets.UTF_8));
  }

  /**
   * Written once the imported Raft log is known durable in the WAL actor's journal (the member has served):
   * until then every start hands the imported log to the Raft actor again, which journals it if its journal
   * is empty (a crash after the journal was created but before the log was in it) and ignores it otherwise.
   */
  public static void markLogJournaled(Backend backend) {
    WriteBatch batch = new WriteBatch();
    batch.put(IMPORTED_LOG_JOURNALED, new byte[] {1});
    backend.write(batch, true);
  }

  public static boolean logJournaled(Backend backend) {
    return backend.get(IMPORTED_LOG_JOURNALED) != null;
  }

  /** True if the backend holds nothing at all. */
  public static boolean isEmpty(Backend backend) {
    try {
      backend.scan(new byte[0], null, (k, v) -> {
        throw new NotEmpty();
      });
      return true;
    } catch (NotEmpty e) {
      return false;
    }
  }

  private static final class NotEmpty extends RuntimeException {
    NotEmpty() {
      super(null, null, false, false);
    }
  }

  private static byte[] metaKey(String name) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    byte[] key = new byte[1 + n.length];
    key[0] = BackendLayout.META_BUCKET;
    System.arraycopy(n, 0, key, 1, n.length);
    return key;
  }
}
