package io.akkaetcd.store;

import io.akkaetcd.mvcc.EtcdBuckets;

import com.google.protobuf.Message;
import io.akkaetcd.api.AlarmType;
import io.akkaetcd.api.CompactionResponse;
import io.akkaetcd.api.DeleteRangeResponse;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.PutResponse;
import io.akkaetcd.api.RangeResponse;
import io.akkaetcd.api.ResponseHeader;
import io.akkaetcd.api.TxnResponse;
import io.akkaetcd.auth.AuthInfo;
import io.akkaetcd.auth.AuthStore;
import io.akkaetcd.auth.TokenProvider;
import io.akkaetcd.errors.EtcdError;
import java.util.List;
import io.akkaetcd.mvcc.MvccStore;

/**
 * Applies one {@link InternalRaftRequest} to the MVCC store, as etcd's applier does, and stamps the
 * response header with the member's identity. Pure: the store actor owns it.
 */
public final class Applier {
  private final MvccStore mvcc;
  private final MemberDirectory members;
  private final Alarms alarms;
  /** Null when the member serves no leases (tests of the KV path alone). */
  private final LeaseApplier leases;
  private final AuthApplier auth;
  private ResponseHeader identity;

  /** With a fresh auth store and no tokens (tests of the KV and lease paths). */
  public Applier(MvccStore mvcc, long clusterId, long memberId, MemberDirectory members,
      Alarms alarms, LeaseApplier leases) {
    this(mvcc, clusterId, memberId, members, alarms, leases, new AuthStore(new AuthBuckets(mvcc)), TokenProvider.NONE);
  }

  public Applier(MvccStore mvcc, long clusterId, long memberId, MemberDirectory members,
      Alarms alarms, LeaseApplier leases, AuthStore authStore, TokenProvider tokens) {
    this.auth = new AuthApplier(authStore, tokens);
    this.members = members;
    this.alarms = alarms;
    this.leases = leases;
    this.mvcc = mvcc;
    this.identity = ResponseHeader.newBuilder().setClusterId(clusterId).setMemberId(memberId).build();
  }

  /** Headers carry the Raft term the member is in as it applies; true if the term changed. */
  public boolean setRaftTerm(long term) {
    if (term == identity.getRaftTerm()) {
      return false;
    }
    identity = identity.toBuilder().setRaftTerm(term).build();
    return true;
  }

  void setClusterId(long clusterId) {
    identity = identity.toBuilder().setClusterId(clusterId).build();
  }


  public MvccStore mvcc() {
    return mvcc;
  }

  /** The auth state as applied so far; its view may be read from any thread. */
  public AuthStore auth() {
    return auth.store();
  }

  public boolean hasLeases() {
    return leases != null;
  }

  /** The lease state machine; throws if this applier was built without one. */
  public LeaseApplier leases() {
    if (leases == null) {
      throw new IllegalStateException("this applier serves no leases");
    }
    return leases;
  }

  /** A read against this member's store as it is now. */
  public RangeResponse read(io.akkaetcd.api.RangeRequest request) {
    RangeResponse r = mvcc.range(request);
    return r.toBuilder().setHeader(header(r.getHeader())).build();
  }

  public Message apply(InternalRaftRequest request) {
    return apply(request, 0);
  }

  /**
   * Applies the entry at {@code raftIndex}. Writes are checked against the permissions of the user
   * the entry names, as etcd's authApplierV3 checks them while applying.
   */
  public Message apply(InternalRaftRequest request, long raftIndex) {
    if (AuthApplier.isAuthRequest(request)) {
      return auth.apply(request, raftIndex, header(mvcc.currentRevision()));
    }
    AuthInfo who = AuthApplier.who(request);
    if (request.hasRange()) {
      auth.view().checkRead(who, request.getRange().getKey(), request.getRange().getRangeEnd());
      return read(request.getRange());
    }
    if (request.hasPut()) {
      if (auth.view().enabled()) {
        long lease = request.getPut().getLease();
        auth.checkPut(who, request.getPut(), lease != 0 && leases != null ? leases.lessor().keysOf(lease) : List.of());
      }
      checkCorrupt();
      checkCapped();
      PutResponse r = mvcc.put(request.getPut());
      return r.toBuilder().setHeader(header(r.getHeader())).build();
    }
    if (request.hasDeleteRange()) {
      auth.checkDeleteRange(who, request.getDeleteRange());
      checkCorrupt();
      DeleteRangeResponse r = mvcc.deleteRange(request.getDeleteRange());
      return r.toBuilder().setHeader(header(r.getHeader())).build();
    }
    if (request.hasTxn()) {
      auth.checkTxn(who, request.getTxn());
      if (MvccStore.writes(request.getTxn())) {
        checkCorrupt();
      }
      if (Quota.cost(request.getTxn()) > 0) {
        checkCapped();
      }
      TxnResponse r = mvcc.txn(request.getTxn());
      return r.toBuilder().setHeader(header(r.getHeader())).build();
    }
    if (request.hasCompaction()) {
      checkCorrupt();
      long start = System.nanoTime();
      CompactionResponse r = mvcc.compact(request.getCompaction());
      // timed here, not in the pure core; index and backend deletes are one walk, so the same time
      // is the index pause and the whole compaction
      long took = System.nanoTime() - start;
      mvcc.counters().durations().indexCompaction(took);
      mvcc.counters().durations().compaction(took);
      return r.toBuilder().setHeader(header(r.getHeader())).build();
    }
    if (request.hasLeaseGrant()) {
      checkCorrupt();
      checkCapped();
      return leases().grant(request.getLeaseGrant()).toBuilder().setHeader(header(mvcc.currentRevision())).build();
    }
    if (request.hasLeaseRevoke()) {
      if (auth.view().enabled()) {
        auth.checkLeaseKeys(auth.view(), who, leases().lessor().keysOf(request.getLeaseRevoke().getID()));
      }
      checkCorrupt();
      return leases().revoke(request.getLeaseRevoke()).toBuilder().setHeader(header(mvcc.currentRevision())).build();
    }
    if (request.hasLeaseCheckpoint()) {
      return leases().checkpoint(request.getLeaseCheckpoint()).toBuilder()
          .setHeader(header(mvcc.currentRevision())).build();
    }
    if (request.hasAlarm()) {
      return alarms.apply(mvcc, request.getAlarm()).setHeader(header(mvcc.currentRevision())).build();
    }
    if (request.hasMemberAttributes()) {
      members.put(mvcc, request.getMemberAttributes());
      return request.getMemberAttributes();
    }
    throw new IllegalArgumentException("request not supported yet: " + request);
  }

  public ResponseHeader header(long revision) {
    return identity.toBuilder().setRevision(revision).build();
  }

  private ResponseHeader header(ResponseHeader fromStore) {
    return identity.toBuilder().setRevision(fromStore.getRevision()).build();
  }

  /**
   * While a NOSPACE alarm is active the cluster is capped, as etcd's applierV3Capped: puts, txns with
   * puts and lease grants fail; reads, deletes and compaction still pass, so space can be freed. The
   * alarm is replicated state, so every member decides alike.
   */
  private void checkCapped() {
    if (alarms.isActive(AlarmType.NOSPACE)) {
      throw EtcdError.NO_SPACE.exception();
    }
  }

  /**
   * While a CORRUPT alarm is active, as etcd 3.4's applierV3Corrupt: every write through the log (put,
   * delete, a txn that writes, compaction, lease grant and revoke) fails with "corrupt cluster" on every
   * member; reads are still served (etcd serves them from its base applier, outside the log).
   */
  private void checkCorrupt() {
    if (alarms.isActive(AlarmType.CORRUPT)) {
      throw EtcdError.CORRUPT.exception();
    }
  }
}
