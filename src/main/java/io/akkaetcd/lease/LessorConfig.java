package io.akkaetcd.lease;

/**
 * Tunables of the {@link Lessor}.
 *
 * @param minLeaseTtlSeconds shorter TTLs are raised to this (see {@link #minLeaseTtlSeconds(int, long)})
 * @param expiredLeaseRetryMillis after {@link Lessor#expired} reports a lease, it is not reported
 *     again for this long, so the leader does not propose the same revoke twice while the first is in
 *     flight (etcd's {@code ExpiredLeasesRetryInterval}; etcd's server passes its request timeout, 7 s
 *     with default election settings; the lessor's own default is 3 s)
 * @param revokeRatePerSecond etcd's {@code leaseRevokeRate}: on promotion, when at least this many
 *     leases exist, expiries are spread so that no second sees more than 3/4 of this many expire
 */
public record LessorConfig(
    long minLeaseTtlSeconds, long expiredLeaseRetryMillis, int revokeRatePerSecond) {

  public LessorConfig {
    if (minLeaseTtlSeconds < 1) {
      throw new IllegalArgumentException("minLeaseTtlSeconds must be at least 1");
    }
    if (expiredLeaseRetryMillis < 1) {
      throw new IllegalArgumentException("expiredLeaseRetryMillis must be positive");
    }
    if (revokeRatePerSecond < 2) {
      throw new IllegalArgumentException("revokeRatePerSecond must be at least 2");
    }
  }

  /** etcd's defaults: election timeout 1000 ms over heartbeat 100 ms, so a 2 s minimum TTL. */
  public static LessorConfig defaults() {
    return new LessorConfig(minLeaseTtlSeconds(10, 100), 3_000, 1_000);
  }

  /**
   * etcd's minimum lease TTL: {@code ceil(((3 * electionTicks) / 2) * heartbeat)} in seconds, with
   * Go's integer division on the tick count. A lease shorter than 1.5 election timeouts could expire
   * during a leader election, before any new leader can receive its keep-alives.
   */
  public static long minLeaseTtlSeconds(int electionTicks, long heartbeatMillis) {
    long minTtlMillis = ((3L * electionTicks) / 2) * heartbeatMillis;
    return Math.max(1, (minTtlMillis + 999) / 1000);
  }
}
