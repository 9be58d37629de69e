package io.akkaetcd.server;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import java.util.concurrent.CompletableFuture;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.stream.Materializer;
import com.typesafe.config.Config;
import io.akkaetcd.api.Cluster;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.KV;
import io.akkaetcd.cluster.ClusterLayout;
import io.akkaetcd.cluster.RaftBootstrap;
import io.akkaetcd.api.Maintenance;
import io.akkaetcd.api.MaintenanceHandlerFactory;
import io.akkaetcd.api.Member;
import io.akkaetcd.cluster.ClusterMembership;
import io.akkaetcd.cluster.PeerTransport;
import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.metrics.Histogram;
import io.akkaetcd.metrics.PeerMetrics;
import io.akkaetcd.grpc.UnaryGrpcHandler;
import io.akkaetcd.api.Election;
import io.akkaetcd.api.ElectionHandlerFactory;
import io.akkaetcd.api.Lease;
import io.akkaetcd.api.LeaseHandlerFactory;
import io.akkaetcd.api.Lock;
import io.akkaetcd.api.Watch;
import io.akkaetcd.api.WatchHandlerFactory;
import io.akkaetcd.grpc.StreamingGrpcHandlers;
import io.akkaetcd.lease.Lessor;
import io.akkaetcd.server.concurrency.ElectionService;
import io.akkaetcd.server.concurrency.LockService;
import io.akkaetcd.server.lease.LeaseService;
import io.akkaetcd.server.lease.LeaseWiring;
import io.akkaetcd.server.watch.WatchService;
import io.akkaetcd.server.watch.WatchSettings;
import io.akkaetcd.store.LeaseApplier;
import java.util.function.LongSupplier;
import io.akkaetcd.raft.RaftNode;
import io.akkaetcd.storage.LevelDbBackend;
import io.akkaetcd.storage.RaftWal;
import io.akkaetcd.store.MemberDirectory;
import io.akkaetcd.store.MemberIdentity;
import io.akkaetcd.store.PendingRequests;
import io.akkaetcd.store.StoreState;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member: its actor system (remoting on the peer URL), the Raft, WAL and store actors over the
 * data dir, and the client listeners serving etcd's gRPC API (plus /health, /version, /metrics) on every
 * --listen-client-urls address. It is ready once it has published itself through Raft, as etcd is.
 */
public final class EtcdServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EtcdServer.class);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(7);

  private final ActorSystem<?> system;
  private final LevelDbBackend backend;
  private final List<ServerBinding> bindings;
  private final ClusterLayout layout;
  private final StoreState storeState;
  private final CompletableFuture<Void> published = new CompletableFuture<>();
  private volatile boolean closing;

  private EtcdServer(ActorSystem<?> system, LevelDbBackend backend, List<ServerBinding> bindings,
      ClusterLayout layout, StoreState storeState) {
    this.system = system;
    this.backend = backend;
    this.bindings = bindings;
    this.layout = layout;
    this.storeState = storeState;
  }

  /**
   * Starts the member and returns once its client listeners are bound; see {@link #ready()}. If the
   * store, the Raft actor or the watch hub fails, the member's actor system stops (nothing more is
   * answered) and this JVM keeps running: what embeds members in-process (tests) uses this.
   */
  public static EtcdServer start(MemberConfig config, Config akkaConfig) throws Exception {
    return start(config, akkaConfig, (what, cause) ->
        log.error("fail-stop: {} failed; the member stops serving", what, cause));
  }

  /** As {@link #start(MemberConfig, Config)}, with what to do when the member must fail-stop. */
  public static EtcdServer start(MemberConfig config, Config akkaConfig, FailStop failStop) throws Exception {
    ClusterLayout flags = ClusterLayout.of(config);
    LevelDbBackend backend = LevelDbBackend.open(config.dataDir().resolve("member").resolve("kv"));
    RaftWal wal = RaftWal.open(config.dataDir().resolve("member").resolve("wal"));
    MemberIdentity identity = identity(backend, wal, flags, config);
    ClusterLayout layout = flags.withIdentity(identity.memberId(), identity.clusterId());
    RaftBootstrap.Loaded raftState = RaftBootstrap.load(wal, layout, config.initialClusterState());
    MemberDirectory directory = new MemberDirectory();
    LongSupplier clock = () -> System.nanoTime() / 1_000_000;
    StoreState storeState = new StoreState(backend, new StoreState.LeaseFactory() {
      // Leases first, so that the store can re-attach each live key to its lease as it opens.
      @Override
      public Lessor openLessor(io.akkaetcd.mvcc.Backend b) {
        return LeaseWiring.openLessor(b, config, clock.getAsLong());
      }

      @Override
      public LeaseApplier applier(Lessor lessor, io.akkaetcd.mvcc.MvccStore mvcc) {
        return new LeaseApplier(lessor, mvcc, clock);
      }
    }, identity.clusterId(), identity.memberId(), directory);
    PendingRequests pending = new PendingRequests(layout.memberId(), System.currentTimeMillis());
    Histogram walFsync = Histogram.walFsync();
    RaftNode node = new RaftNode(raftState.raftConfig(config), raftState.storage(), new SplittableRandom());
    PeerMetrics peerMetrics = new PeerMetrics(layout.memberId());
    // A member that joined learns the cluster's ID from its peers (0 until then; see PeerAuthentication).
    long wireClusterId = identity.clusterId();
    MemberGuardian.Parts parts = new MemberGuardian.Parts(storeState, pending, node, raftState.storage(), wal,
        layout.memberId(), layout.peers(), directory, Duration.ofMillis(config.heartbeatIntervalMs()),
        config.snapshotCount(), config.electionTimeoutMs(), walFsync,
        WatchSettings.from(akkaConfig, config.maxRequestBytes()), REQUEST_TIMEOUT, Duration.ofMillis(500), failStop,
        wireClusterId, layout.members().keySet(), peerMetrics);
    ActorSystem<MemberGuardian.Command> system = ActorSystem.create(MemberGuardian.create(parts),
        PeerTransport.SYSTEM_NAME, ClusterMembership.settings(layout, config, wireClusterId)
        .withFallback(layout.remotingConfig(config)).withFallback(akkaConfig));
    try {
      MemberGuardian.Started refs = AskPattern.<MemberGuardian.Command, MemberGuardian.Started>ask(system,
          MemberGuardian.GetStarted::new, Duration.ofSeconds(10), system.scheduler()).toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      StoreClient storeClient = refs.storeClient();
      SpaceQuota quota = new SpaceQuota(config.quotaBackendBytes(), storeState::dbSizeBytes, storeClient,
          layout.memberId());
      LeaseService leaseService = new LeaseService(storeClient, refs.raft(), quota);
      WatchService watchService = new WatchService(system, refs.watchStreams(),
          WatchSettings.from(akkaConfig, config.maxRequestBytes()));

      Materializer materializer = Materializer.matFromSystem(system);
      ElectionService electionService = ElectionService.create(storeClient, watchService, materializer);
      HttpEndpoints http = new HttpEndpoints(storeClient, refs.store(), refs.raft(), system.scheduler(), storeState::clusterId,
          layout.memberId(), storeState.alarms(), walFsync, peerMetrics);
      MaintenanceService maintenance = new MaintenanceService(refs.store(), refs.raft(), system.scheduler(), layout,
          storeClient, storeState.alarms(), storeState::clusterId);
      StreamingGrpcHandlers streaming = StreamingGrpcHandlers.builder()
          .service(Watch.name, WatchHandlerFactory.partial(watchService, Watch.name, materializer,
              StreamingGrpcHandlers.errors(), system))
          .service(Lease.name, LeaseHandlerFactory.partial(leaseService, Lease.name, materializer,
              StreamingGrpcHandlers.errors(), system))
          .service(Election.name, ElectionHandlerFactory.partial(electionService, Election.name,
              materializer, StreamingGrpcHandlers.errors(), system))
          .service(Maintenance.name, MaintenanceHandlerFactory.partial(maintenance, Maintenance.name,
              materializer, StreamingGrpcHandlers.errors(), system))
          .build(http);
      Function<HttpRequest, CompletionStage<HttpResponse>> handler = UnaryGrpcHandler.builder()
          .service(KV.class, new KvService(storeClient, config.maxTxnOps(), quota))
          .service(Maintenance.class, maintenance)
          .service(Cluster.class, new ClusterService(refs.raft(), storeClient, system.scheduler(), layout, directory,
              config.initialClusterToken(), storeState::clusterId))
          .service(Lease.class, leaseService)
          .service(Lock.class, LockService.create(storeClient, watchService, materializer))
          .service(Election.class, electionService)
          .build(streaming, materializer, config.maxRequestBytes());

      List<ServerBinding> bindings = new ArrayList<>();
      for (URI url : config.listenClientUrls()) {
        bindings.add(Http.get(system).newServerAt(url.getHost(), url.getPort())
            .bind(handler::apply).toCompletableFuture().get(10, TimeUnit.SECONDS));
        log.info("serving client traffic insecurely; this is strongly discouraged! address={}", url);
      }
      EtcdServer server = new EtcdServer(system, backend, bindings, layout, storeState);
      server.publish(storeClient, config);
      return server;
    } catch (Exception e) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
      backend.close();
      throw e;
    }
  }

  /**
   * The member's ids: as stored at bootstrap, else (a brand-new member, or a data dir written before
   * ids were stored) from the flags, stored now. A member joining an existing cluster stores no
   * cluster id: it learns it from the log.
   */
  private static MemberIdentity identity(LevelDbBackend backend, RaftWal wal, ClusterLayout flags,
      MemberConfig config) {
    MemberIdentity stored = MemberIdentity.read(backend);
    if (stored != null) {
      boolean joined = "existing".equals(config.initialClusterState());
      if (stored.memberId() != flags.memberId() || (!joined && stored.clusterId() != flags.clusterId())) {
        log.warn("ignoring --initial-cluster* flags: the member was bootstrapped as member-id={} cluster-id={} "
                + "(the flags give member-id={} cluster-id={})", Long.toHexString(stored.memberId()),
            Long.toHexString(stored.clusterId()), Long.toHexString(flags.memberId()),
            Long.toHexString(flags.clusterId()));
      }
      return stored;
    }
    boolean joining = "existing".equals(config.initialClusterState()) && wal.isEmpty();
    MemberIdentity fresh = new MemberIdentity(flags.memberId(), joining ? 0 : flags.clusterId());
    MemberIdentity.storeAtBootstrap(backend, fresh);
    return fresh;
  }

  /** Announces this member's name and client URLs through Raft, retrying until a quorum takes it. */
  private void publish(StoreClient storeClient, MemberConfig config) {
    Member self = layout.self().toBuilder()
        .addAllClientURLs(config.advertiseClientUrls().stream().map(URI::toString).toList()).build();
    InternalRaftRequest request = InternalRaftRequest.newBuilder().setMemberAttributes(self).build();
    storeClient.propose(request).whenComplete((ok, failure) -> {
      if (failure == null) {
        log.info("enabled capabilities for version 3.5");
        log.info("published local member to cluster through raft: local-member-id={} "
                + "local-member-attributes={{Name:{} ClientURLs:{}}} cluster-id={}",
            Long.toHexString(layout.memberId()), config.name(), self.getClientURLsList(),
            Long.toHexString(storeState.clusterId()));
        log.info("ready to serve client requests");
        published.complete(null);
      } else if (!closing) {
        system.scheduler().scheduleOnce(Duration.ofMillis(200), () -> publish(storeClient, config),
            system.executionContext());
      }
    });
  }

  /**
   * Completes when the actor system has stopped: after {@link #close()}, or on its own when Akka shuts it
   * down (a node refused by the cluster's join check).
   */
  public CompletionStage<Void> terminated() {
    return system.getWhenTerminated().thenApply(done -> null);
  }

  /** Completes once the member has published itself through Raft: a quorum is up and it can serve. */
  public CompletionStage<Void> ready() {
    return published;
  }

  /** The port the first client listener is bound to (useful with port 0). */
  public int clientPort() {
    return bindings.get(0).localAddress().getPort();
  }

  public long memberId() {
    return layout.memberId();
  }

  /** The stored cluster id; 0 while a member that joined has not learned it from the log. */
  public long clusterId() {
    return storeState.clusterId();
  }

  /** Stops listening and the actors (the store flushes what it holds), then closes the backend. */
  @Override
  public void close() throws Exception {
    closing = true;
    for (ServerBinding b : bindings) {
      b.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    backend.close();
  }
}
