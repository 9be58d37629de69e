package io.akkaetcd.lease;

/**
 * A keep-alive reached a lease that has expired but whose revoke has not been applied yet. etcd's
 * lessor holds such a renew until the revoke is applied (then the client is told TTL 0, the lease is
 * gone) or the leader steps down (then the client retries on the new leader, which may well keep the
 * lease: promotion refreshes every expiry). The caller does the same: it parks the keep-alive.
 */
public final class LeaseExpiredException extends RuntimeException {
  private final long leaseId;

  public LeaseExpiredException(long leaseId) {
    super("lease " + leaseId + " expired, revoke pending", null, false, false);
    this.leaseId = leaseId;
  }

  public long leaseId() {
    return leaseId;
  }
}
