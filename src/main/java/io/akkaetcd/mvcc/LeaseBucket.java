package io.akkaetcd.mvcc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The leases a member keeps in its backend, as etcd's {@code lease} bucket does: id, granted TTL and
 * last checkpointed remaining TTL. Written through {@link MvccStore#saveLease} and
 * {@link MvccStore#removeLease}, so a lease change is durable in the same batch as the revision that
 * made it; read once at start, before the store opens (the store re-attaches keys to the leases).
 */
public final class LeaseBucket {
  /** One persisted lease. */
  public record LeaseRecord(long id, long ttlSeconds, long remainingTtlSeconds) {}

  private LeaseBucket() {}

  /** Every lease the backend holds, by ascending id. */
  public static List<LeaseRecord> load(Backend backend) {
    List<LeaseRecord> out = new ArrayList<>();
    backend.scan(BackendLayout.LEASE_BUCKET_START, BackendLayout.LEASE_BUCKET_END, (k, v) -> {
      long id = ByteBuffer.wrap(k).getLong(1);
      ByteBuffer value = ByteBuffer.wrap(v);
      out.add(new LeaseRecord(id, value.getLong(0), value.getLong(8)));
    });
    return out;
  }

  static byte[] encode(long ttlSeconds, long remainingTtlSeconds) {
    return ByteBuffer.allocate(16).putLong(ttlSeconds).putLong(remainingTtlSeconds).array();
  }
}
