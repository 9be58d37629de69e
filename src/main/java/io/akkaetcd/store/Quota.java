package io.akkaetcd.store;

import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.RequestOp;
import io.akkaetcd.api.TxnRequest;

/**
 * etcd's backend quota: what a request is estimated to add to the backend (etcd's quota.go), and
 * whether it fits. A request that costs nothing (a read, a delete) always passes.
 */
public final class Quota {
  /** etcd's DefaultQuotaBytes, used when --quota-backend-bytes is 0. */
  public static final long DEFAULT_BYTES = 2L * 1024 * 1024 * 1024;
  static final int LEASE_OVERHEAD = 64;
  static final int KV_OVERHEAD = 256;

  private Quota() {}

  public static int cost(PutRequest put) {
    return KV_OVERHEAD + put.getKey().size() + put.getValue().size();
  }

  /** The costlier branch's puts; as etcd, only the txn's own puts count, not those of a nested txn. */
  public static int cost(TxnRequest txn) {
    return Math.max(costOfPuts(txn.getSuccessList()), costOfPuts(txn.getFailureList()));
  }

  public static int leaseCost() {
    return LEASE_OVERHEAD;
  }

  /**
   * etcd's backendQuota.Available: {@code quotaBytes} as --quota-backend-bytes (0: the 2 GiB default,
   * negative: no quota).
   */
  public static boolean fits(long quotaBytes, long dbSizeBytes, int cost) {
    if (cost == 0 || quotaBytes < 0) {
      return true;
    }
    long quota = quotaBytes == 0 ? DEFAULT_BYTES : quotaBytes;
    return dbSizeBytes + cost < quota;
  }

  private static int costOfPuts(java.util.List<RequestOp> ops) {
    int cost = 0;
    for (RequestOp op : ops) {
      if (op.hasRequestPut()) {
        cost += cost(op.getRequestPut());
      }
    }
    return cost;
  }
}
