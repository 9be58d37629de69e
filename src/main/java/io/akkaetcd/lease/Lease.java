package io.akkaetcd.lease;

import com.google.protobuf.ByteString;
import java.util.TreeSet;

/** One lease's mutable state, owned by the {@link Lessor}. */
final class Lease {
  /** Expiry of a lease on a member that is not the leader: it never expires there. */
  static final long FOREVER = Long.MAX_VALUE;

  final long id;
  final long ttlSeconds;
  /** Last checkpointed remaining TTL; 0 when unset, and the full TTL then applies. */
  long remainingTtlSeconds;
  long expiryMillis = FOREVER;
  final TreeSet<ByteString> keys = new TreeSet<>(ByteString.unsignedLexicographicalComparator());

  Lease(long id, long ttlSeconds, long remainingTtlSeconds) {
    this.id = id;
    this.ttlSeconds = ttlSeconds;
    this.remainingTtlSeconds = remainingTtlSeconds;
  }

  /** etcd's {@code getRemainingTTL}: the checkpointed remainder if set, else the full TTL. */
  long effectiveTtlSeconds() {
    return remainingTtlSeconds > 0 ? remainingTtlSeconds : ttlSeconds;
  }

  /** etcd's {@code refresh(extend)}: expire {@code extend} plus the effective TTL from now. */
  void refresh(long nowMillis, long extendMillis) {
    expiryMillis = saturatedAdd(nowMillis, extendMillis, effectiveTtlSeconds() * 1000);
  }

  boolean expired(long nowMillis) {
    return expiryMillis != FOREVER && expiryMillis <= nowMillis;
  }

  /** MAX_LEASE_TTL in millis is 9e12: far from overflow, but guard anyway. */
  private static long saturatedAdd(long a, long b, long c) {
    try {
      return Math.addExact(Math.addExact(a, b), c);
    } catch (ArithmeticException e) {
      return FOREVER - 1;
    }
  }
}
