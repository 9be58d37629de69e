package io.akkaetcd.mvcc;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How the MVCC store encodes its keys within the buckets {@link Schema} lists:
 *
 * <pre>
 *   'k' main(8, big-endian) '_' sub(8, big-endian) ['t']  -> serialized KeyValue   (etcd's "key" bucket)
 *   'm' name                                              -> 8-byte big-endian long (etcd's "meta" bucket)
 *   'l' lease id(8, big-endian)                           -> ttl(8) remainingTtl(8)  (etcd's "lease" bucket)
 * </pre>
 *
 * Revisions are non-negative, so unsigned byte order of the key bucket is revision order and a scan
 * of the bucket replays history. A trailing 't' marks a tombstone, whose value is a KeyValue holding
 * only the key, as in etcd.
 */
final class BackendLayout {
  static final byte KEY_BUCKET = Schema.Bucket.KEY.prefix;
  static final byte META_BUCKET = Schema.Bucket.META.prefix;
  static final byte LEASE_BUCKET = Schema.Bucket.LEASE.prefix;
  static final byte TOMBSTONE_MARK = 't';

  /** Length of a revision key without the tombstone mark: prefix, main, '_', sub. */
  static final int REVISION_KEY_LENGTH = 1 + 8 + 1 + 8;

  static final byte[] META_CURRENT_REVISION = metaKey("currentRev");
  static final byte[] META_COMPACT_REVISION = metaKey("finishedCompactRev");
  /** The Raft index of the last entry applied, written with that entry's changes (etcd's consistent_index). */
  static final byte[] META_CONSISTENT_INDEX = Schema.META_CONSISTENT_INDEX;

  /** The key bucket spans [KEY_BUCKET_START, KEY_BUCKET_END). */
  static final byte[] KEY_BUCKET_START = Schema.Bucket.KEY.start();
  static final byte[] KEY_BUCKET_END = Schema.Bucket.KEY.end();

  /** The lease bucket spans [LEASE_BUCKET_START, LEASE_BUCKET_END). */
  static final byte[] LEASE_BUCKET_START = Schema.Bucket.LEASE.start();
  static final byte[] LEASE_BUCKET_END = Schema.Bucket.LEASE.end();

  private BackendLayout() {}

  static byte[] leaseKey(long id) {
    return ByteBuffer.allocate(9).put(LEASE_BUCKET).putLong(id).array();
  }

  static byte[] revisionKey(long main, long sub, boolean tombstone) {
    ByteBuffer buf = ByteBuffer.allocate(REVISION_KEY_LENGTH + (tombstone ? 1 : 0));
    buf.put(KEY_BUCKET).putLong(main).put((byte) '_').putLong(sub);
    if (tombstone) {
      buf.put(TOMBSTONE_MARK);
    }
    return buf.array();
  }

  static boolean isTombstone(byte[] revisionKey) {
    return revisionKey.length == REVISION_KEY_LENGTH + 1
        && revisionKey[REVISION_KEY_LENGTH] == TOMBSTONE_MARK;
  }

  static Revision revisionOf(byte[] revisionKey) {
    if (revisionKey.length < REVISION_KEY_LENGTH || revisionKey[0] != KEY_BUCKET) {
      throw new IllegalArgumentException("not a key-bucket entry");
    }
    ByteBuffer buf = ByteBuffer.wrap(revisionKey);
    long main = buf.getLong(1);
    long sub = buf.getLong(10);
    return new Revision(main, sub);
  }

  /** A stored key as etcd's bolt holds it in its bucket: without this store's one-byte bucket prefix. */
  static byte[] withoutBucket(byte[] storedKey) {
    return Arrays.copyOfRange(storedKey, 1, storedKey.length);
  }

  static byte[] encodeLong(long value) {
    return ByteBuffer.allocate(8).putLong(value).array();
  }

  static long decodeLong(byte[] bytes) {
    return ByteBuffer.wrap(bytes).getLong();
  }

  private static byte[] metaKey(String name) {
    return Schema.Bucket.META.key(Schema.ascii(name));
  }
}
