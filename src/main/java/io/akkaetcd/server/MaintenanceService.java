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
import io.akkaetcd.auth.Caller;
import io.akkaetcd.cluster.ClusterLayout;
import io.akkaetcd.server.auth.AuthGate;
import io.akkaetcd.cluster.RaftActor;
import io.akkaetcd.config.Version;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.grpc.Unimplemented;
import io.akkaetcd.store.Alarms;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.store.StoreActor;
import io.akkaetcd.store.StoreStatus;
import akka.NotUsed;
import akka.stream.javadsl.FileIO;
import akka.stream.javadsl.Source;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.grpc.Status;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** etcdserverpb.Maintenance: status from the Raft actor and the store; the rest as etcd answers it. */
public final class MaintenanceService implements Maintenance {
  private static final int SNAPSHOT_CHUNK_BYTES = 32 * 1024;
  private static final Duration SNAPSHOT_TIMEOUT = Duration.ofMinutes(5);
  private final ActorRef<StoreActor.Command> store;
  private final ActorRef<RaftActor.Command> raft;
  private final Scheduler scheduler;
  private final ClusterLayout layout;
  /** The stored cluster id (a member that joined learns it from the log). */
  private final LongSupplier clusterId;
  private final StoreClient storeClient;
  private final Alarms alarms;
  private final AuthGate auth;

  public MaintenanceService(ActorRef<StoreActor.Command> store, ActorRef<RaftActor.Command> raft,
      Scheduler scheduler, ClusterLayout layout, StoreClient storeClient, Alarms alarms, LongSupplier clusterId,
      AuthGate auth) {
    this.auth = auth;
    this.store = store;
    this.raft = raft;
    this.scheduler = scheduler;
    this.layout = layout;
    this.storeClient = storeClient;
    this.alarms = alarms;
    this.clusterId = clusterId;
  }

  @Override
  public CompletionStage<StatusResponse> status(StatusRequest in) {
    return describe().thenCombine(raftView(), (s, r) -> {
      StatusResponse.Builder status = StatusResponse.newBuilder()
          .setHeader(header(s.revision(), r.status().term()))
          .setVersion(Version.SERVER_VERSION)
          .setDbSize(s.dbSizeBytes())
          .setDbSizeInUse(s.dbSizeInUseBytes())
          .setLeader(r.status().leaderId())
          .setRaftTerm(r.status().term())
          .setRaftIndex(r.status().commit())
          .setRaftAppliedIndex(s.appliedIndex())
          .setIsLearner(r.status().configuration().isLearner(layout.memberId()));
      if (r.status().leaderId() == 0) {
        status.addErrors(EtcdError.NO_LEADER.message);
      }
      alarms.list().forEach(a -> status.addErrors(Alarms.text(a)));
      return status.build();
    });
  }

  /** Every alarm request, listing included, goes through Raft, as etcd's do. */
  @Override
  public CompletionStage<AlarmResponse> alarm(AlarmRequest in) {
    return storeClient.propose(InternalRaftRequest.newBuilder().setAlarm(in).build());
  }

  /**
   * LevelDB compacts its files itself, so there is nothing to rewrite as bolt needs; the reported size
   * comes down to what is in use, as etcd's does (see {@link io.akkaetcd.store.StoreState}).
   */
  /** etcd's authMaintenanceServer: Defragment, Hash, HashKV and Snapshot need the root role. */
  public CompletionStage<DefragmentResponse> defragment(DefragmentRequest in, Caller caller) {
    auth.checkMaintenanceAdmin(caller);
    return defragment(in);
  }

  public CompletionStage<HashResponse> hash(HashRequest in, Caller caller) {
    auth.checkMaintenanceAdmin(caller);
    return hash(in);
  }

  public CompletionStage<HashKVResponse> hashKV(HashKVRequest in, Caller caller) {
    auth.checkMaintenanceAdmin(caller);
    return hashKV(in);
  }

  @Override
  public CompletionStage<DefragmentResponse> defragment(DefragmentRequest in) {
    // A compaction of a large store takes minutes; the client's own deadline (etcdctl's --command-timeout) applies.
    return DirectFutures.direct(AskPattern.ask(store, StoreActor.Defragment::new, Duration.ofMinutes(10), scheduler))
        .thenApply(s -> DefragmentResponse.newBuilder().setHeader(header(s.revision(), 0)).build());
  }

  @Override
  public CompletionStage<HashResponse> hash(HashRequest in) {
    return DirectFutures.direct(AskPattern.askWithStatus(store, StoreActor.Hash::new, Duration.ofSeconds(30), scheduler));
  }

  @Override
  public CompletionStage<HashKVResponse> hashKV(HashKVRequest in) {
    return DirectFutures.direct(AskPattern.askWithStatus(store,
        replyTo -> new StoreActor.HashKv(in.getRevision(), replyTo), Duration.ofSeconds(5), scheduler));
  }

  /**
   * As etcd's: the store as a bolt file (see {@link io.akkaetcd.mvcc.EtcdBuckets}) in 32 KiB chunks, each
   * with the bytes still to come, then the file's sha256 as a last message, which `etcdctl snapshot
   * save` keeps at the end of the file and `snapshot restore` checks.
   */
  /** The JSON gateway's way in, with the Authorization header's token (gRPC's is guarded before the stream). */
  public Source<SnapshotResponse, NotUsed> snapshot(SnapshotRequest in, Caller caller) {
    try {
      auth.checkMaintenanceAdmin(caller);
    } catch (RuntimeException e) {
      return Source.failed(e);
    }
    return snapshot(in);
  }

  @Override
  public Source<SnapshotResponse, NotUsed> snapshot(SnapshotRequest in) {
    Path file;
    try {
      file = Files.createTempFile("akka-etcd-snapshot", ".db");
    } catch (IOException e) {
      return Source.failed(Status.INTERNAL.withDescription("cannot create a snapshot file: " + e.getMessage())
          .asRuntimeException());
    }
    CompletionStage<StoreActor.SnapshotSaved> saved = AskPattern.askWithStatus(store,
        replyTo -> new StoreActor.SaveSnapshot(file, replyTo), SNAPSHOT_TIMEOUT, scheduler);
    return Source.completionStage(saved).flatMapConcat(s -> {
      long[] remaining = {Files.size(file)};
      return FileIO.fromPath(file, SNAPSHOT_CHUNK_BYTES).map(chunk -> {
        remaining[0] -= chunk.size();
        return SnapshotResponse.newBuilder().setRemainingBytes(remaining[0])
            .setBlob(ByteString.copyFrom(chunk.asByteBuffer())).build();
      }).concat(Source.single(SnapshotResponse.newBuilder().setBlob(ByteString.copyFrom(s.sha256())).build()));
    }).watchTermination((notUsed, done) -> {
      done.whenComplete((d, e) -> deleteQuietly(file));
      return NotUsed.getInstance();
    });
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a temp file left behind is harmless
    }
  }

  @Override
  public CompletionStage<MoveLeaderResponse> moveLeader(MoveLeaderRequest in) {
    CompletionStage<Boolean> moved = DirectFutures.direct(AskPattern.ask(raft,
        replyTo -> new RaftActor.TransferLeadership(in.getTargetID(), replyTo), Duration.ofSeconds(10), scheduler));
    return moved.thenCompose(ok -> {
      if (!ok) {
        return CompletableFuture.failedFuture(EtcdError.NOT_LEADER.exception());
      }
      return describe().thenApply(s -> MoveLeaderResponse.newBuilder().setHeader(header(s.revision(), 0)).build());
    });
  }

  @Override
  public CompletionStage<DowngradeResponse> downgrade(DowngradeRequest in) {
    return Unimplemented.call("Downgrade");
  }

  private CompletionStage<StoreStatus> describe() {
    return DirectFutures.direct(AskPattern.ask(store, StoreActor.Describe::new, Duration.ofSeconds(5), scheduler));
  }

  private CompletionStage<RaftActor.RaftView> raftView() {
    return DirectFutures.direct(AskPattern.ask(raft, RaftActor.GetStatus::new, Duration.ofSeconds(5), scheduler));
  }

  private ResponseHeader header(long revision, long term) {
    return ResponseHeader.newBuilder().setClusterId(clusterId.getAsLong()).setMemberId(layout.memberId())
        .setRevision(revision).setRaftTerm(term).build();
  }
}
