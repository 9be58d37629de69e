package io.akkaetcd.server;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.Behaviors;
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
import io.akkaetcd.cluster.PeerAuthentication;
import io.akkaetcd.cluster.PeerInbox;
import io.akkaetcd.cluster.PeerTransport;
import io.akkaetcd.cluster.RaftActor;
import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.metrics.Histogram;
import io.akkaetcd.metrics.PeerMetrics;
import io.akkaetcd.grpc.UnaryGrpcHandler;
import akka.actor.typed.Props;
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
import io.akkaetcd.server.lease.LeaseExpiryActor;
import io.akkaetcd.server.lease.LeaseService;
import io.akkaetcd.server.lease.LeaseWiring;
import io.akkaetcd.server.watch.WatchContext;
import io.akkaetcd.server.watch.WatchHub;
import io.akkaetcd.server.watch.WatchService;
import io.akkaetcd.server.watch.WatchSettings;
import io.akkaetcd.store.LeaseApplier;
import io.akkaetcd.store.WatchFeed;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import io.akkaetcd.raft.RaftNode;
import io.akkaetcd.storage.LevelDbBackend;
import io.akkaetcd.storage.RaftWal;
import io.akkaetcd.store.MemberDirectory;
import io.akkaetcd.store.PendingRequests;
import io.akkaetcd.store.StoreActor;
import io.akkaetcd.store.StoreState;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
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

  private record Actors(ActorRef<StoreActor.Command> store, ActorRef<RaftActor.Command> raft,
      ActorRef<WatchFeed> watchHub) {}

  private final ActorSystem<Void> system;
  private final LevelDbBackend backend;
  private final List<ServerBinding> bindings;
  private final ClusterLayout layout;
  private final CompletableFuture<Void> published = new CompletableFuture<>();
  private volatile boolean closing;

  private EtcdServer(ActorSystem<Void> system, LevelDbBackend backend, List<ServerBinding> bindings,
      ClusterLayout layout) {
    this.system = system;
    this.backend = backend;
    this.bindings = bindings;
    this.layout = layout;
  }

  /** Starts the member and returns once its client listeners are bound; see {@link #ready()}. */
  public static EtcdServer start(MemberConfig config, Config akkaConfig) throws Exception {
    ClusterLayout layout = ClusterLayout.of(config);
    LevelDbBackend backend = LevelDbBackend.open(config.dataDir().resolve("member").resolve("kv"));
    RaftWal wal = RaftWal.open(config.dataDir().resolve("member").resolve("wal"));
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
    }, layout.clusterId(), layout.memberId(), directory);
    PendingRequests pending = new PendingRequests(layout.memberId(), System.currentTimeMillis());
    AtomicBoolean leading = new AtomicBoolean();
    Histogram walFsync = Histogram.walFsync();
    PeerMetrics peerMetrics = new PeerMetrics(layout.memberId());
    // A member joining an existing cluster learns the cluster's ID from its peers (see PeerAuthentication).
    long wireClusterId = "existing".equals(config.initialClusterState())
        ? PeerAuthentication.UNKNOWN_CLUSTER : layout.clusterId();

    CompletableFuture<Actors> actors = new CompletableFuture<>();
    CompletableFuture<ActorRef<StoreActor.Command>> storeRef = new CompletableFuture<>();
    AtomicLong hubRevision = new AtomicLong(storeState.applier().mvcc().currentRevision());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(ctx -> {
      ActorRef<WatchFeed> hub = ctx.spawn(WatchHub.create(storeRef::join, hubRevision), "watch-hub");
      ActorRef<StoreActor.Command> store = ctx.spawn(StoreActor.create(storeState, pending, hub), "store",
          DispatcherSelector.blocking());
      storeRef.complete(store);
      PeerTransport peers = new PeerTransport(ctx.getSystem().classicSystem(), wireClusterId);
      layout.peers().forEach(peers::addPeer);
      // Members added later become reachable once their URLs are applied through Raft.
      directory.onMember(m -> {
        if (m.getID() != layout.memberId() && m.getPeerURLsCount() > 0) {
          peers.addPeer(m.getID(), m.getPeerURLsList().stream().map(URI::create).toList());
        }
      });
      RaftNode node = new RaftNode(raftState.raftConfig(config), raftState.storage(), new SplittableRandom());
      ActorRef<RaftActor.Command> raft = ctx.spawn(RaftActor.create(node, raftState.storage(), wal, store,
          peers, pending, Duration.ofMillis(config.heartbeatIntervalMs()), config.snapshotCount(),
          config.electionTimeoutMs(), leading, walFsync), "raft",
          DispatcherSelector.fromConfig("akka-etcd-raft-dispatcher"));
      ctx.spawn(PeerInbox.create(raft, new PeerAuthentication(layout.memberId(), wireClusterId,
          layout.members().keySet()), System::nanoTime), PeerTransport.INBOX_NAME);
      ctx.spawn(ClusterMembership.create(peers, raft, peerMetrics), "cluster-membership");
      actors.complete(new Actors(store, raft, hub));
      return Behaviors.empty();
    }), PeerTransport.SYSTEM_NAME, ClusterMembership.settings(layout, config, wireClusterId)
        .withFallback(layout.remotingConfig(config)).withFallback(akkaConfig));
    try {
      Actors refs = actors.get(10, TimeUnit.SECONDS);
      StoreClient storeClient = new StoreClient(refs.raft(), refs.store(), pending, system.scheduler(), REQUEST_TIMEOUT);
      // Only the leader lets leases expire; its revokes go through the log like any write.
      system.systemActorOf(LeaseExpiryActor.create(storeClient, leading::get, Duration.ofMillis(500)),
          "lease-expiry", Props.empty());
      WatchContext watchContext = new WatchContext(refs.watchHub(), hubRevision,
          WatchSettings.from(akkaConfig, config.maxRequestBytes()), rev -> storeState.applier().header(rev));
      SpaceQuota quota = new SpaceQuota(config.quotaBackendBytes(), storeState::dbSizeBytes, storeClient,
          layout.memberId());
      LeaseService leaseService = new LeaseService(storeClient, refs.raft(), quota);
      WatchService watchService = new WatchService(system, watchContext);

      Materializer materializer = Materializer.matFromSystem(system);
      ElectionService electionService = ElectionService.create(storeClient, watchService, materializer);
      HttpEndpoints http = new HttpEndpoints(storeClient, refs.store(), refs.raft(), system.scheduler(), layout.clusterId(),
          layout.memberId(), storeState.alarms(), walFsync, peerMetrics);
      MaintenanceService maintenance = new MaintenanceService(refs.store(), refs.raft(), system.scheduler(), layout,
          storeClient, storeState.alarms());
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
              config.initialClusterToken()))
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
      EtcdServer server = new EtcdServer(system, backend, bindings, layout);
      server.publish(storeClient, config);
      return server;
    } catch (Exception e) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
      backend.close();
      throw e;
    }
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
            Long.toHexString(layout.clusterId()));
        log.info("ready to serve client requests");
        published.complete(null);
      } else if (!closing) {
        system.scheduler().scheduleOnce(Duration.ofMillis(200), () -> publish(storeClient, config),
            system.executionContext());
      }
    });
  }

  /** Completes once the member has published itself through Raft: a quorum is up and it can serve. */
  public CompletionStage<Void> ready() {
    return published;
  }

  /**
   * Completes when the actor system has stopped: after {@link #close()}, or on its own when Akka shuts it
   * down (a node refused by the cluster's join check).
   */
  public CompletionStage<Void> terminated() {
    return system.getWhenTerminated().thenApply(done -> null);
  }

  /** The port the first client listener is bound to (useful with port 0). */
  public int clientPort() {
    return bindings.get(0).localAddress().getPort();
  }

  public long memberId() {
    return layout.memberId();
  }

  public long clusterId() {
    return layout.clusterId();
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
