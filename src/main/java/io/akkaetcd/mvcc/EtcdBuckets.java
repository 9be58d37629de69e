package io.akkaetcd.mvcc;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The backend's content in etcd 3.4's bolt buckets and encodings, for a snapshot that etcd's tools
 * read (`etcdctl snapshot status`, `snapshot restore`). Buckets come in name order, pairs in key order:
 *
 * <pre>
 *   alarm  serialized AlarmMember -> empty           (this store: 'a' + the same)
 *   auth, authRoles, authUsers                       (store.AuthBuckets: 'A', 'R', 'U')
 *   key    main(8) '_' sub(8) ['t'] -> KeyValue      (this store: 'k' + the same)
 *   lease  id(8, big-endian) -> leasepb.Lease        (this store: 'l' id -> ttl(8) remaining(8))
 *   meta   consistent_index -> 8 bytes big-endian;
 *          finishedCompactRev, scheduledCompactRev -> revision main(8) '_' sub(8)
 *                                                    (this store: 8-byte longs, plus currentRev)
 * </pre>
 *
 * Members are not exported: `snapshot restore` replaces them with the cluster it is told of.
 */
public final class EtcdBuckets {
  /** Receives the buckets in order, and each bucket's pairs in order. */
  public interface Sink {
    void bucket(String name);

    void put(byte[] key, byte[] value);
  }

  private EtcdBuckets() {}

  /** @param authBuckets writes etcd's auth, authRoles and authUsers buckets (they sort between alarm and key) */
  public static void export(Backend backend, java.util.function.Consumer<Sink> authBuckets, Sink sink) {
    sink.bucket(Schema.Bucket.ALARM.etcdName);
    backend.scan(Schema.Bucket.ALARM.start(), Schema.Bucket.ALARM.end(),
        (k, v) -> sink.put(BackendLayout.withoutBucket(k), v));
    authBuckets.accept(sink);
    sink.bucket("key");
    backend.scan(BackendLayout.KEY_BUCKET_START, BackendLayout.KEY_BUCKET_END, (k, v) -> sink.put(BackendLayout.withoutBucket(k), v));
    sink.bucket("lease");
    backend.scan(BackendLayout.LEASE_BUCKET_START, BackendLayout.LEASE_BUCKET_END, (k, v) -> {
      ByteBuffer value = ByteBuffer.wrap(v);
      sink.put(BackendLayout.withoutBucket(k), lease(ByteBuffer.wrap(k).getLong(1), value.getLong(0), value.getLong(8)));
    });
    sink.bucket("meta");
    Map<String, byte[]> meta = new TreeMap<>();
    byte[] index = backend.get(BackendLayout.META_CONSISTENT_INDEX);
    if (index != null) {
      meta.put("consistent_index", index);
    }
    byte[] compacted = backend.get(BackendLayout.META_COMPACT_REVISION);
    if (compacted != null) {
      byte[] rev = revision(BackendLayout.decodeLong(compacted));
      meta.put("finishedCompactRev", rev);
      meta.put("scheduledCompactRev", rev);
    }
    meta.forEach((k, v) -> sink.put(k.getBytes(StandardCharsets.US_ASCII), v));
  }

  /** etcd's revToBytes for revision main.0. */
  private static byte[] revision(long main) {
    return ByteBuffer.allocate(17).putLong(main).put((byte) '_').putLong(0).array();
  }

  /** leasepb.Lease{ID: 1, TTL: 2, RemainingTTL: 3}, zero fields left out as gogoproto does. */
  static byte[] lease(long id, long ttl, long remainingTtl) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      if (id != 0) {
        out.writeInt64(1, id);
      }
      if (ttl != 0) {
        out.writeInt64(2, ttl);
      }
      if (remainingTtl != 0) {
        out.writeInt64(3, remainingTtl);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
