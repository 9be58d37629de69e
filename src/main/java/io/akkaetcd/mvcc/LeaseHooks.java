package io.akkaetcd.mvcc;

import com.google.protobuf.ByteString;

/**
 * What the MVCC store asks of the lessor: whether a lease exists (a put naming an unknown lease fails
 * with LEASE_NOT_FOUND) and which keys a lease holds (so expiry and revoke can delete them).
 */
public interface LeaseHooks {
  boolean exists(long leaseId);

  void attach(long leaseId, ByteString key);

  void detach(long leaseId, ByteString key);

  /** Until leases are served, only "no lease" (0) exists. */
  LeaseHooks NONE = new LeaseHooks() {
    @Override
    public boolean exists(long leaseId) {
      return leaseId == 0;
    }

    @Override
    public void attach(long leaseId, ByteString key) {}

    @Override
    public void detach(long leaseId, ByteString key) {}
  };
}
