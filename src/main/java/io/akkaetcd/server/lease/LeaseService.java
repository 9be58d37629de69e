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

  public LeaseService(StoreClient store, ActorRef<RaftActor.Command> raft, SpaceQuota quota) {
    this.store = store;
    this.raft = raft;
    this.quota = quota;
  }

  @Override
  public CompletionStage<LeaseGrantResponse> leaseGrant(LeaseGrantRequest in) {
    return quota.guard(Quota.leaseCost(), () -> checkedGrant(in));
  }

  private CompletionStage<LeaseGrantResponse> checkedGrant(LeaseGrantRequest in) {
    if (in.getTTL() > Lessor.MAX_LEASE_TTL_SECONDS) {
      return CompletableFuture.failedFuture(EtcdError.LEASE_TTL_TOO_LARGE.exception());
    }
    if (in.getID() != 0) {
      return grant(in);
    }
    return store.<Long>ask(StoreActor.NewLeaseId::new)
        .thenCompose(picked -> grant(in.toBuilder().setID(picked).build()));
  }

  private CompletionStage<LeaseGrantResponse> grant(LeaseGrantRequest request) {
    return store.propose(InternalRaftRequest.newBuilder().setLeaseGrant(request).build());
  }

  @Override
  public CompletionStage<LeaseRevokeResponse> leaseRevoke(LeaseRevokeRequest in) {
    return store.propose(InternalRaftRequest.newBuilder().setLeaseRevoke(in).build());
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
