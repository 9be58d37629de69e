package io.akkaetcd.store;

import com.google.protobuf.ByteString;
import io.akkaetcd.api.DeleteRangeRequest;
import io.akkaetcd.api.LeaseCheckpoint;
import io.akkaetcd.api.LeaseCheckpointRequest;
import io.akkaetcd.api.LeaseCheckpointResponse;
import io.akkaetcd.api.LeaseGrantRequest;
import io.akkaetcd.api.LeaseGrantResponse;
import io.akkaetcd.api.LeaseKeepAliveResponse;
import io.akkaetcd.api.LeaseLeasesResponse;
import io.akkaetcd.api.LeaseRevokeRequest;
import io.akkaetcd.api.LeaseRevokeResponse;
import io.akkaetcd.api.LeaseStatus;
import io.akkaetcd.api.LeaseTimeToLiveRequest;
import io.akkaetcd.api.LeaseTimeToLiveResponse;
import io.akkaetcd.api.RequestOp;
import io.akkaetcd.api.TxnRequest;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.errors.EtcdException;
import io.akkaetcd.lease.LeaseExpiredException;
import io.akkaetcd.lease.Lessor;
import io.akkaetcd.lease.TimeToLive;
import io.akkaetcd.mvcc.MvccStore;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The lease side of the state machine, owned with the {@link Applier} by the store actor. Replicated
 * changes ({@link #grant}, {@link #revoke}, {@link #checkpoint}) change the {@link Lessor} and stage the
 * lease bucket in the same store write, so a lease and its keys are durable together. The other
 * methods are leader-local reads (and the renew of a keep-alive), served without the log as etcd
 * serves them. {@code nowMillis} is a monotonic clock, injected: expiries never leave this member.
 */
public final class LeaseApplier {
  private final Lessor lessor;
  private final MvccStore mvcc;
  private final LongSupplier nowMillis;

  public LeaseApplier(Lessor lessor, MvccStore mvcc, LongSupplier nowMillis) {
    this.lessor = lessor;
    this.mvcc = mvcc;
    this.nowMillis = nowMillis;
  }

  public Lessor lessor() {
    return lessor;
  }

  public long nowMillis() {
    return nowMillis.getAsLong();
  }

  // ---- replicated ----

  LeaseGrantResponse grant(LeaseGrantRequest request) {
    Lessor.Granted granted = lessor.grant(request.getID(), request.getTTL(), nowMillis());
    mvcc.saveLease(granted.id(), granted.ttlSeconds(), 0);
    return LeaseGrantResponse.newBuilder().setID(granted.id()).setTTL(granted.ttlSeconds()).build();
  }

  /** Removes the lease and deletes its keys in one revision (a txn of deletes, sorted, as etcd does). */
  LeaseRevokeResponse revoke(LeaseRevokeRequest request) {
    List<ByteString> keys = lessor.revoke(request.getID());
    mvcc.removeLease(request.getID());
    if (!keys.isEmpty()) {
      TxnRequest.Builder deletes = TxnRequest.newBuilder();
      for (ByteString key : keys) {
        deletes.addSuccess(RequestOp.newBuilder()
            .setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(key)));
      }
      mvcc.txn(deletes.build());
    }
    return LeaseRevokeResponse.getDefaultInstance();
  }

  LeaseCheckpointResponse checkpoint(LeaseCheckpointRequest request) {
    for (LeaseCheckpoint c : request.getCheckpointsList()) {
      if (lessor.exists(c.getID())) {
        lessor.checkpoint(c.getID(), c.getRemainingTTL());
        mvcc.saveLease(c.getID(), lessor.grantedTtl(c.getID()), c.getRemainingTTL());
      }
    }
    return LeaseCheckpointResponse.getDefaultInstance();
  }

  // ---- leader-local ----

  /**
   * A keep-alive. etcd answers TTL 0 for a lease that is gone; one that expired and awaits its revoke
   * is gone for the client too (etcd parks the renew until the revoke lands, then answers TTL 0).
   */
  public LeaseKeepAliveResponse renew(long id) {
    if (!lessor.isPrimary()) {
      // A follower: the Raft actor passes the renew on to the leader, whose lessor decides expiry;
      // the client hears the granted TTL the leader is extending to (0 if the lease is gone).
      return LeaseKeepAliveResponse.newBuilder().setID(id).setTTL(lessor.grantedTtl(id)).build();
    }
    long ttl;
    try {
      ttl = lessor.renew(id, nowMillis());
    } catch (LeaseExpiredException e) {
      ttl = 0;
    } catch (EtcdException e) {
      if (e.error() != EtcdError.LEASE_NOT_FOUND) {
        throw e;
      }
      ttl = 0;
    }
    return LeaseKeepAliveResponse.newBuilder().setID(id).setTTL(ttl).build();
  }

  /**
   * A follower knows every lease and its keys (they are replicated) but not its expiry, which only the
   * leader tracks; etcd forwards the request to the leader. Here the follower reports the granted TTL.
   */
  private TimeToLive followerView(long id) {
    long granted = lessor.grantedTtl(id);
    if (granted == 0) {
      throw EtcdError.LEASE_NOT_FOUND.exception();
    }
    return new TimeToLive(id, granted, granted, lessor.keysOf(id));
  }

  /** etcd's gRPC layer answers an unknown lease with TTL -1, not an error. */
  public LeaseTimeToLiveResponse timeToLive(LeaseTimeToLiveRequest request) {
    TimeToLive ttl;
    try {
      ttl = lessor.isPrimary()
          ? lessor.timeToLive(request.getID(), nowMillis())
          : followerView(request.getID());
    } catch (EtcdException e) {
      if (e.error() != EtcdError.LEASE_NOT_FOUND) {
        throw e;
      }
      ttl = TimeToLive.notFound(request.getID());
    }
    LeaseTimeToLiveResponse.Builder out = LeaseTimeToLiveResponse.newBuilder()
        .setID(ttl.id()).setTTL(ttl.ttlSeconds()).setGrantedTTL(ttl.grantedTtlSeconds());
    if (request.getKeys()) {
      out.addAllKeys(ttl.keys());
    }
    return out.build();
  }

  public LeaseLeasesResponse leases() {
    LeaseLeasesResponse.Builder out = LeaseLeasesResponse.newBuilder();
    for (long id : lessor.leases()) {
      out.addLeases(LeaseStatus.newBuilder().setID(id));
    }
    return out.build();
  }

  /** Up to {@code limit} expired leases for the leader to revoke through the log. */
  public List<Long> expired(int limit) {
    return lessor.expired(nowMillis(), limit);
  }
}
