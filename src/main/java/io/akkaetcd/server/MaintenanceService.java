package io.akkaetcd.server;

import io.akkaetcd.concurrent.DirectFutures;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import io.akkaetcd.api.AlarmRequest;
import io.akkaetcd.api.AlarmResponse;
import io.akkaetcd.api.DefragmentRequest;
import io.akkaetcd.api.DefragmentResponse;
import io.akkaetcd.api.DowngradeRequest;
import io.akkaetcd.api.DowngradeResponse;
import io.akkaetcd.api.HashKVRequest;
import io.akkaetcd.api.HashKVResponse;
import io.akkaetcd.api.HashRequest;
import io.akkaetcd.api.HashResponse;
import io.akkaetcd.api.Maintenance;
import io.akkaetcd.api.MoveLeaderRequest;
import io.akkaetcd.api.MoveLeaderResponse;
import io.akkaetcd.api.ResponseHeader;
import io.akkaetcd.api.SnapshotRequest;
import io.akkaetcd.api.SnapshotResponse;
import io.akkaetcd.api.StatusRequest;
import io.akkaetcd.api.StatusResponse;
import io.akkaetcd.config.Version;
import io.akkaetcd.grpc.Unimplemented;
import io.akkaetcd.store.StoreActor;
import io.akkaetcd.store.StoreStatus;
import akka.NotUsed;
import akka.stream.javadsl.Source;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * etcdserverpb.Maintenance for a single member. Until Raft lands, the member is its own leader at
 * term 1 and reports its store revision as raft index.
 */
public final class MaintenanceService implements Maintenance {
  private final ActorRef<StoreActor.Command> store;
  private final Scheduler scheduler;
  private final long clusterId;
  private final long memberId;

  public MaintenanceService(ActorRef<StoreActor.Command> store, Scheduler scheduler, long clusterId, long memberId) {
    this.store = store;
    this.scheduler = scheduler;
    this.clusterId = clusterId;
    this.memberId = memberId;
  }

  @Override
  public CompletionStage<StatusResponse> status(StatusRequest in) {
    return describe().thenApply(s -> StatusResponse.newBuilder()
        .setHeader(header(s.revision()))
        .setVersion(Version.SERVER_VERSION)
        .setDbSize(s.dbSizeBytes())
        .setDbSizeInUse(s.dbSizeBytes())
        .setLeader(memberId)
        .setRaftTerm(1)
        .setRaftIndex(s.revision())
        .setRaftAppliedIndex(s.revision())
        .build());
  }

  @Override
  public CompletionStage<AlarmResponse> alarm(AlarmRequest in) {
    return describe().thenApply(s -> AlarmResponse.newBuilder().setHeader(header(s.revision())).build());
  }

  @Override
  public CompletionStage<DefragmentResponse> defragment(DefragmentRequest in) {
    // LevelDB compacts its files itself; there is nothing to rewrite as bolt needs.
    return describe().thenApply(s -> DefragmentResponse.newBuilder().setHeader(header(s.revision())).build());
  }

  @Override
  public CompletionStage<HashResponse> hash(HashRequest in) {
    return Unimplemented.call("Hash");
  }

  @Override
  public CompletionStage<HashKVResponse> hashKV(HashKVRequest in) {
    return Unimplemented.call("HashKV");
  }

  @Override
  public Source<SnapshotResponse, NotUsed> snapshot(SnapshotRequest in) {
    return Source.failed(Status.UNIMPLEMENTED.withDescription("unknown method Snapshot").asRuntimeException());
  }

  @Override
  public CompletionStage<MoveLeaderResponse> moveLeader(MoveLeaderRequest in) {
    return Unimplemented.call("MoveLeader");
  }

  @Override
  public CompletionStage<DowngradeResponse> downgrade(DowngradeRequest in) {
    return Unimplemented.call("Downgrade");
  }

  private CompletionStage<StoreStatus> describe() {
    return DirectFutures.direct(AskPattern.ask(store, StoreActor.Describe::new, Duration.ofSeconds(5), scheduler));
  }

  private ResponseHeader header(long revision) {
    return ResponseHeader.newBuilder().setClusterId(clusterId).setMemberId(memberId)
        .setRevision(revision).setRaftTerm(1).build();
  }
}
