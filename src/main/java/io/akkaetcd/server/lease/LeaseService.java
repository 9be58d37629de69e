package io.akkaetcd.server.lease;

import akka.actor.typed.ActorRef;
import io.akkaetcd.cluster.RaftActor;
import akka.NotUsed;
import akka.stream.javadsl.Source;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.Lease;
import io.akkaetcd.api.LeaseGrantRequest;
import io.akkaetcd.api.LeaseGrantResponse;
import io.akkaetcd.api.LeaseKeepAliveRequest;
import io.akkaetcd.api.LeaseKeepAliveResponse;
import io.akkaetcd.api.LeaseLeasesRequest;
import io.akkaetcd.api.LeaseLeasesResponse;
import io.akkaetcd.api.LeaseRevokeRequest;
import io.akkaetcd.api.LeaseRevokeResponse;
import io.akkaetcd.api.LeaseTimeToLiveRequest;
import io.akkaetcd.api.LeaseTimeToLiveResponse;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.lease.Lessor;
import io.akkaetcd.server.SpaceQuota;
import io.akkaetcd.server.StoreClient;
import com.google.protobuf.ByteString;
import io.akkaetcd.auth.AuthInfo;
import io.akkaetcd.auth.Caller;
import io.akkaetcd.server.auth.AuthGate;
import io.akkaetcd.store.Quota;
import io.akkaetcd.store.StoreActor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * etcdserverpb.Lease. Grant and revoke are replicated ({@link StoreClient#propose}); as etcd's server
 * does, a grant with ID 0 gets its id from the lessor before it is proposed, so every member applies
 * the same id. Keep-alive, time-to-live and the lease list are the leader's local reads.
 */
public final class LeaseService implements Lease {
  private final StoreClient store;
  private final ActorRef<RaftActor.Command> raft;
  private final SpaceQuota quota;

  private final AuthGate auth;

  public LeaseService(StoreClient store, ActorRef<RaftActor.Command> raft, SpaceQuota quota, AuthGate auth) {
    this.auth = auth;
    this.store = store;
    this.raft = raft;
    this.quota = quota;
  }

  @Override
  public CompletionStage<LeaseGrantResponse> leaseGrant(LeaseGrantRequest in) {
    return leaseGrant(in, Caller.ANONYMOUS);
  }

  /** etcd checks no permission for a grant; the caller's token must still be valid. */
  public CompletionStage<LeaseGrantResponse> leaseGrant(LeaseGrantRequest in, Caller caller) {
    AuthInfo who = auth.identify(caller);
    return quota.guard(Quota.leaseCost(), () -> checkedGrant(in, who));
  }

  private CompletionStage<LeaseGrantResponse> checkedGrant(LeaseGrantRequest in, AuthInfo who) {
    if (in.getTTL() > Lessor.MAX_LEASE_TTL_SECONDS) {
      return CompletableFuture.failedFuture(EtcdError.LEASE_TTL_TOO_LARGE.exception());
    }
    if (in.getID() != 0) {
      return grant(in, who);
    }
    return store.<Long>ask(StoreActor.NewLeaseId::new)
        .thenCompose(picked -> grant(in.toBuilder().setID(picked).build(), who));
  }

  private CompletionStage<LeaseGrantResponse> grant(LeaseGrantRequest request, AuthInfo who) {
    return store.propose(InternalRaftRequest.newBuilder().setLeaseGrant(request).build(), who);
  }

  @Override
  public CompletionStage<LeaseRevokeResponse> leaseRevoke(LeaseRevokeRequest in) {
    return leaseRevoke(in, Caller.ANONYMOUS);
  }

  /** Checked as it applies: write permission on every key attached to the lease (etcd's checkLeasePuts). */
  public CompletionStage<LeaseRevokeResponse> leaseRevoke(LeaseRevokeRequest in, Caller caller) {
    return store.propose(InternalRaftRequest.newBuilder().setLeaseRevoke(in).build(), auth.identify(caller));
  }

  /**
   * etcd 3.5's checkLeaseTimeToLive: with auth on, the caller needs read permission on every key
   * attached to the lease, whether or not it asks for them.
   */
  public CompletionStage<LeaseTimeToLiveResponse> leaseTimeToLive(LeaseTimeToLiveRequest in, Caller caller) {
    if (!auth.view().enabled()) {
      return leaseTimeToLive(in);
    }
    AuthInfo who = auth.identify(caller);
    return leaseTimeToLive(in.toBuilder().setKeys(true).build()).thenApply(r -> {
      r.getKeysList().forEach(k -> auth.view().checkRead(who, k, ByteString.EMPTY));
      return in.getKeys() ? r : r.toBuilder().clearKeys().build();
    });
  }

  @Override
  public Source<LeaseKeepAliveResponse, NotUsed> leaseKeepAlive(Source<LeaseKeepAliveRequest, NotUsed> in) {
    return in.mapAsync(1, request -> {
      raft.tell(new RaftActor.RenewLease(request.getID()));
      return store.<LeaseKeepAliveResponse>ask(replyTo -> new StoreActor.RenewLease(request.getID(), replyTo));
    });
  }

  @Override
  public CompletionStage<LeaseTimeToLiveResponse> leaseTimeToLive(LeaseTimeToLiveRequest in) {
    return store.ask(replyTo -> new StoreActor.LeaseTimeToLive(in, replyTo));
  }

  @Override
  public CompletionStage<LeaseLeasesResponse> leaseLeases(LeaseLeasesRequest in) {
    return store.ask(StoreActor.ListLeases::new);
  }
}
