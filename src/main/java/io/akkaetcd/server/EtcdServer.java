package io.akkaetcd.server;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import java.util.concurrent.CompletableFuture;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.stream.Materializer;
import com.typesafe.config.Config;
import io.akkaetcd.api.Auth;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.api.Cluster;
import io.akkaetcd.auth.TokenProvider;
import io.akkaetcd.server.auth.AuthGate;
import io.akkaetcd.server.auth.AuthService;
import io.akkaetcd.server.auth.AuthSettings;
import io.akkaetcd.server.auth.Passwords;
import io.akkaetcd.server.auth.SimpleTokens;
import io.akkaetcd.server.auth.TokenOptions;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.KV;
import io.akkaetcd.cluster.ClusterLayout;
import io.akkaetcd.cluster.ExistingCluster;
import io.akkaetcd.cluster.PeerQuery;
import io.akkaetcd.api.MemberListRequest;
import io.akkaetcd.cluster.RaftBootstrap;
import io.akkaetcd.api.Maintenance;
import io.akkaetcd.api.MaintenanceHandlerFactory;
import io.akkaetcd.api.Member;
import io.akkaetcd.cluster.ClusterMembership;
import io.akkaetcd.cluster.PeerTransport;
import io.akkaetcd.cluster.RaftActor;
import io.akkaetcd.cluster.SnapshotTransferSettings;
import io.akkaetcd.compaction.AutoCompaction;
import io.akkaetcd.config.GoValues;
import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.metrics.EtcdMetrics;
import io.akkaetcd.metrics.Histogram;
import io.akkaetcd.config.Version;
import io.akkaetcd.grpc.UnaryGrpcHandler;
import io.akkaetcd.gateway.CorsAccessControl;
import io.akkaetcd.gateway.JsonGateway;
import io.akkaetcd.api.Election;
import io.akkaetcd.api.ElectionPowerApi;
import io.akkaetcd.api.ElectionPowerApiHandlerFactory;
import io.akkaetcd.api.Lease;
import io.akkaetcd.api.LeaseHandlerFactory;
import io.akkaetcd.api.Lock;
import io.akkaetcd.api.Watch;
import io.akkaetcd.api.WatchPowerApi;
import io.akkaetcd.api.WatchPowerApiHandlerFactory;
import io.akkaetcd.grpc.StreamingGrpcHandlers;
import io.akkaetcd.grpc.StreamMetricsProxy;
import io.akkaetcd.server.watch.WatchGauges;
import io.akkaetcd.lease.Lessor;
import io.akkaetcd.server.concurrency.ElectionService;
import io.akkaetcd.server.concurrency.LockService;
import io.akkaetcd.server.lease.LeaseService;
import io.akkaetcd.server.lease.LeaseWiring;
import io.akkaetcd.server.watch.WatchService;
import io.akkaetcd.server.watch.WatchSettings;
import io.akkaetcd.store.LeaseApplier;
import java.util.function.LongSupplier;
import io.akkaetcd.storage.LevelDbBackend;
import io.akkaetcd.store.MemberDirectory;
import io.akkaetcd.store.MemberIdentity;
import io.akkaetcd.store.PendingRequests;
import io.akkaetcd.store.StoreActor;
import io.akkaetcd.store.StoreState;
import io.akkaetcd.tls.ClientCertificates;
import io.akkaetcd.tls.TransportSecurity;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  /** The Raft log's journal under member/ (see WalJournal); member/wal is the layout before it, migrated. */
  static final String JOURNAL_DIR = "raft-journal";
  static final String LEGACY_WAL_DIR = "wal";

  private final ActorSystem<?> system;
  private final LevelDbBackend backend;
  private final List<ServerBinding> bindings;
  private final ClusterLayout layout;
  private final StoreState storeState;
  private final CompletableFuture<Void> published = new CompletableFuture<>();
  private volatile boolean closing;
  /** Completes once this member, removed through Raft, has stopped (see {@link #removed()}). */
  private final CompletableFuture<Void> removed = new CompletableFuture<>();
  private volatile boolean removedFromCluster;
  private boolean closed;

  private final AutoCompactor compactor;
  private final PeriodicCorruptCheck corruptCheck;

  private EtcdServer(ActorSystem<?> system, LevelDbBackend backend, List<ServerBinding> bindings,
      ClusterLayout layout, StoreState storeState, AutoCompactor compactor, PeriodicCorruptCheck corruptCheck) {
    this.compactor = compactor;
    this.corruptCheck = corruptCheck;
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
    TransportSecurity security = TransportSecurity.prepare(config, akkaConfig);
    AuthSettings authSettings = AuthSettings.from(akkaConfig);
    // Before anything is opened: a bad --auth-token stops the member at once, as etcd.
    TokenProvider tokens = TokenOptions.provider(authSettings.tokenOptions(), authSettings.tokenTtlSeconds(),
        System::currentTimeMillis);
    Path memberDir = config.dataDir().resolve("member");
    // etcd's *.wal segments are in member/wal or --wal-dir; this member's journal is beside them, never in member/wal.
    Path walDir = MemberConfig.walDir(akkaConfig, config.dataDir());
    Path journal = walDir.equals(memberDir.resolve(LEGACY_WAL_DIR)) ? memberDir.resolve(JOURNAL_DIR)
        : walDir.resolve(JOURNAL_DIR);
    // member/wal of an etcd data dir holds etcd's segments, not this project's old LevelDB Raft log.
    Path legacyWal = DataDirStart.hasEtcdFiles(memberDir, walDir) ? null : memberDir.resolve(LEGACY_WAL_DIR);
    DataDirStart.Stores stores = DataDirStart.open(config, walDir);
    LevelDbBackend backend = stores.backend();
    boolean logOnDisk = Files.isDirectory(journal) || (legacyWal != null && Files.isDirectory(legacyWal));
    Config systemConfig = flags.peerTlsConfig(security.peer()).withFallback(flags.remotingConfig(config))
        .withFallback(akkaConfig);
    ClusterLayout joined;
    try {
      joined = joiningNow(backend, logOnDisk, stores, config) ? ExistingCluster.fetch(config, systemConfig) : null;
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
    MemberIdentity identity = joined != null ? stored(backend, new MemberIdentity(joined.memberId(), joined.clusterId()))
        : identity(backend, flags, config);
    // An imported member's peers are the members etcd's data names, not the flags' cluster; a member joining
    // now knows them (with their IDs) from the cluster it asked.
    ClusterLayout layout = stores.imported()
        ? ClusterLayout.imported(identity.memberId(), identity.clusterId(), MemberDirectory.readAll(backend))
        : joined != null ? joined : flags.withIdentity(identity.memberId(), identity.clusterId());
    RaftActor.Start raftStart = RaftBootstrap.start(layout, config, stores.initialLog(),
        akkaConfig.getBoolean("akka-etcd.force-new-cluster"));
    Config journalDir = ConfigFactory.parseMap(Map.of("akka-etcd-wal-journal.dir", journal.toString()));
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
    }, identity.clusterId(), identity.memberId(), directory, tokens);
    PendingRequests pending = new PendingRequests(layout.memberId(), System.currentTimeMillis());
    // A member that joined learns the cluster's ID from its peers (0 until then; see PeerAuthentication).
    long wireClusterId = identity.clusterId();
    EtcdMetrics metrics = new EtcdMetrics(Version.SERVER_VERSION, Version.CLUSTER_API_VERSION, layout.memberId(),
        storeState::clusterId, config.quotaBackendBytes(), config.metrics().equals("extensive"));
    Histogram walFsync = metrics.walFsync();
    metrics.registerProposals(pending::failedProposals, pending::pendingProposals);
    metrics.registerMvcc(storeState.mvccCounters());
    CompletableFuture<Void> removalApplied = new CompletableFuture<>();
    WatchGauges watchGauges = new WatchGauges();
    metrics.registerWatch(watchGauges::streams, watchGauges::watchers, watchGauges::slowWatchers,
        watchGauges::eventsSent, watchGauges::pendingEvents);
    MemberGuardian.Parts parts = new MemberGuardian.Parts(storeState, pending, raftStart,
        legacyWal, layout.memberId(), layout.peers(), directory,
        Duration.ofMillis(config.heartbeatIntervalMs()), config.snapshotCount(), config.electionTimeoutMs(), walFsync,
        WatchSettings.from(akkaConfig, config.maxRequestBytes()), REQUEST_TIMEOUT, Duration.ofMillis(500), failStop,
        backend.dir(), SnapshotTransferSettings.from(akkaConfig), wireClusterId, layout.members().keySet(),
        metrics.peers(), watchGauges, () -> removalApplied.complete(null));
    ActorSystem<MemberGuardian.Command> system = ActorSystem.create(MemberGuardian.create(parts),
        PeerTransport.SYSTEM_NAME, ClusterMembership.settings(layout, config, wireClusterId).withFallback(journalDir)
        .withFallback(systemConfig));
    try {
      MemberGuardian.Started refs = AskPattern.<MemberGuardian.Command, MemberGuardian.Started>ask(system,
          MemberGuardian.GetStarted::new, Duration.ofSeconds(10), system.scheduler()).toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      StoreClient storeClient = refs.storeClient();
      // etcd's /members/hashkv on its peer URLs: what the corruption checks of the other members ask.
      PeerQuery.serve(system.classicSystem(), PeerQuery.HASH_KV, io.akkaetcd.api.HashKVRequest.class,
          r -> AskPattern.<StoreActor.Command, io.akkaetcd.api.HashKVResponse>askWithStatus(refs.store(),
              replyTo -> new StoreActor.HashKv(r.getRevision(), replyTo), Duration.ofSeconds(5), system.scheduler()));
      if (akkaConfig.getBoolean("akka-etcd.experimental-initial-corrupt-check")) {
        InitialCorruptCheck.run(system, refs.store(), layout.memberId(), MemberDirectory.readAll(backend));
      }
      AuthGate authGate = new AuthGate(() -> storeState.applier().auth().view(), tokens, authSettings.clientCertAuth(),
          pending::whenApplied);
      Passwords passwords = new Passwords(authSettings.bcryptCost(), 1);
      if (tokens instanceof SimpleTokens simple) {
        system.scheduler().scheduleAtFixedRate(Duration.ofSeconds(1), Duration.ofSeconds(1), simple::sweep,
            system.executionContext());
      }
      SpaceQuota quota = new SpaceQuota(config.quotaBackendBytes(), storeState::dbSizeBytes, storeClient,
          layout.memberId());
      LeaseService leaseService = new LeaseService(storeClient, refs.raft(), quota, authGate);
      WatchService watchService = new WatchService(system, refs.watchStreams(),
          WatchSettings.from(akkaConfig, config.maxRequestBytes()), authGate, watchGauges);

      Materializer materializer = Materializer.matFromSystem(system);
      ElectionService electionService = ElectionService.create(storeClient, watchService, materializer, authGate);
      HttpEndpoints http = new HttpEndpoints(storeClient, refs.store(), refs.raft(), system.scheduler(), storeState::clusterId,
          layout.memberId(), storeState.alarms(), metrics,
          config.enablePprof());
      MaintenanceService maintenance = new MaintenanceService(refs.store(), refs.raft(), system.scheduler(), layout,
          storeClient, storeState.alarms(), storeState::clusterId, authGate);
      StreamingGrpcHandlers streaming = StreamingGrpcHandlers.builder()
          // etcd's authMaintenanceServer: a snapshot needs the root role.
          .guard("/" + Maintenance.name + "/Snapshot", request -> {
            try {
              authGate.checkMaintenanceAdmin(UnaryGrpcHandler.callerOf(request, r -> ClientCertificates.commonName(r).orElse(null)));
              return null;
            } catch (RuntimeException e) {
              return io.akkaetcd.grpc.GrpcStatus.fromThrowable(e);
            }
          })
          .service(Watch.name, WatchPowerApiHandlerFactory.partial(
              StreamMetricsProxy.instrument(WatchPowerApi.class, Watch.class, watchService, metrics.grpc()), Watch.name, materializer,
              StreamingGrpcHandlers.errors(), system))
          .service(Lease.name, LeaseHandlerFactory.partial(StreamMetricsProxy.instrument(Lease.class, leaseService, metrics.grpc()), Lease.name, materializer,
              StreamingGrpcHandlers.errors(), system))
          .service(Election.name, ElectionPowerApiHandlerFactory.partial(StreamMetricsProxy.instrument(ElectionPowerApi.class, Election.class, electionService, metrics.grpc()), Election.name,
              materializer, StreamingGrpcHandlers.errors(), system))
          .service(Maintenance.name, MaintenanceHandlerFactory.partial(StreamMetricsProxy.instrument(Maintenance.class, maintenance, metrics.grpc()), Maintenance.name,
              materializer, StreamingGrpcHandlers.errors(), system))
          .callerKnown(authGate::tokenKnown)
          .build(http);
      // what etcd's v3rpc.Server has registered when it initializes the grpc_server_* series (Lock
      // and Election come later, so they have series only once called; grpc.health.v1 is not served)
      for (Class<?> service : List.of(KV.class, Watch.class, Lease.class, Cluster.class, Auth.class, Maintenance.class)) {
        metrics.grpc().preRegister(io.akkaetcd.grpc.ServiceReflection.describe(service));
      }
      KvService kv = new KvService(storeClient, config.maxTxnOps(), quota, authGate);
      AuthService auth = new AuthService(storeClient, authGate, passwords);
      ClusterService cluster = new ClusterService(refs.raft(), storeClient, system.scheduler(), layout, directory,
          config.initialClusterToken(), storeState::clusterId, authGate);
      // What a member joining later asks for (see ExistingCluster), as etcd serves GET /members on its peer URLs.
      PeerQuery.serve(system.classicSystem(), PeerQuery.MEMBERS, MemberListRequest.class, cluster::memberList);
      LockService lock = LockService.create(storeClient, watchService, materializer, authGate);
      // The JSON gateway sees every request first: it claims /v3/, /v3beta/ and /v3alpha/ paths that are
      // not gRPC, and passes everything else to the gRPC front.
      Function<HttpRequest, CompletionStage<HttpResponse>> grpc = UnaryGrpcHandler.builder()
          .service(KV.class, kv)
          .service(Auth.class, auth)
          .service(Maintenance.class, maintenance)
          .service(Cluster.class, cluster)
          .service(Lease.class, leaseService)
          .service(Lock.class, lock)
          .service(Election.class, electionService)
          // etcd's CN auth: a client without a token is the user its verified certificate names
          .certificateCommonName(r -> ClientCertificates.commonName(r).orElse(null))
          .callerKnown(authGate::tokenKnown)
          .build(streaming, materializer, config.maxRequestBytes(), metrics.grpc());
      Function<HttpRequest, CompletionStage<HttpResponse>> handler = new CorsAccessControl(config.corsOrigins(), JsonGateway.builder()
          .service(KV.class, kv)
          .service(Auth.class, auth)
          .service(Watch.class, watchService)
          .service(Maintenance.class, maintenance)
          .service(Cluster.class, cluster)
          .service(Lease.class, leaseService)
          .service(Lock.class, lock)
          .service(Election.class, electionService)
          .callerKnown(authGate::tokenKnown)
          .build(grpc, materializer, config.maxRequestBytes(), config.maxConcurrentStreams()));

      List<ServerBinding> bindings = new ArrayList<>();
      for (URI url : config.listenClientUrls()) {
        bindings.add(ClientListener.bind(system, url, security.client(), handler)
            .toCompletableFuture().get(10, TimeUnit.SECONDS));
      }
      // --listen-metrics-urls: /metrics and the health endpoints only, as etcd's HandleMetricsHealth.
      Function<HttpRequest, CompletionStage<HttpResponse>> metricsOnly = HttpEndpoints.metricsAndHealthOnly(http);
      for (URI url : config.listenMetricsUrls()) {
        bindings.add(ClientListener.bindMetrics(system, url, security.client(), metricsOnly)
            .toCompletableFuture().get(10, TimeUnit.SECONDS));
        log.info("serving metrics address={}", url);
      }
      ActorRef<RaftActor.Command> raftRef = refs.raft();
      ActorRef<StoreActor.Command> storeRef = refs.store();
      AutoCompactor compactor = AutoCompactor.start(system, storeClient, () ->
          io.akkaetcd.concurrent.DirectFutures.direct(AskPattern.<RaftActor.Command, RaftActor.RaftView>ask(raftRef,
              RaftActor.GetStatus::new, Duration.ofSeconds(5), system.scheduler())).thenCombine(
              io.akkaetcd.concurrent.DirectFutures.direct(AskPattern.<StoreActor.Command, io.akkaetcd.store.StoreStatus>ask(
                  storeRef, StoreActor.Describe::new, Duration.ofSeconds(5), system.scheduler())),
              (r, st) -> new AutoCompactor.View(r.status().leaderId() == layout.memberId(), st.revision())),
          AutoCompaction.of(config.autoCompactionMode(), config.autoCompactionRetention(), GoValues::goDuration));
      PeriodicCorruptCheck corruptCheck = PeriodicCorruptCheck.start(system, Duration.ofNanos(
              io.akkaetcd.config.EtcdFlags.goDurationNanos(akkaConfig.getString("akka-etcd.experimental-corrupt-check-time"))),
          layout.memberId(), raftRef, storeRef, storeClient, directory);
      EtcdServer server = new EtcdServer(system, backend, bindings, layout, storeState, compactor, corruptCheck);
      removalApplied.thenRunAsync(server::stopRemoved);
      server.publish(storeClient, config, stores.imported() && !io.akkaetcd.mvcc.BackendImport.logJournaled(backend)
          ? () -> io.akkaetcd.mvcc.BackendImport.markLogJournaled(backend) : () -> {});
      return server;
    } catch (Exception e) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
      backend.close();
      throw e;
    }
  }

  /**
   * etcd's {@code !haveWAL && !cfg.NewCluster}: a member with no identity, no log and no imported data,
   * started with {@code --initial-cluster-state existing}, learns its ID from the cluster it joins.
   */
  private static boolean joiningNow(LevelDbBackend backend, boolean logOnDisk, DataDirStart.Stores stores,
      MemberConfig config) {
    return "existing".equals(config.initialClusterState()) && !logOnDisk && !stores.imported()
        && MemberIdentity.read(backend) == null;
  }

  private static MemberIdentity stored(LevelDbBackend backend, MemberIdentity identity) {
    MemberIdentity.storeAtBootstrap(backend, identity);
    return identity;
  }

  /**
   * The member's ids: as stored at bootstrap, else (a brand-new member of a new cluster, or a data dir
   * written before ids were stored) from the flags, stored now. A member that joined an existing cluster
   * took its ids from the cluster (see {@link #joiningNow}); its flags never gave them.
   */
  private static MemberIdentity identity(LevelDbBackend backend, ClusterLayout flags, MemberConfig config) {
    MemberIdentity stored = MemberIdentity.read(backend);
    if (stored != null) {
      boolean joined = "existing".equals(config.initialClusterState());
      if (!joined && (stored.memberId() != flags.memberId() || stored.clusterId() != flags.clusterId())) {
        log.warn("ignoring --initial-cluster* flags: the member was bootstrapped as member-id={} cluster-id={} "
                + "(the flags give member-id={} cluster-id={})", Long.toHexString(stored.memberId()),
            Long.toHexString(stored.clusterId()), Long.toHexString(flags.memberId()),
            Long.toHexString(flags.clusterId()));
      }
      return stored;
    }
    return stored(backend, new MemberIdentity(flags.memberId(), flags.clusterId()));
  }

  /** Announces this member's name and client URLs through Raft, retrying until a quorum takes it. */
  /** @param onPublished run once published: the Raft log is then durable in the journal */
  private void publish(StoreClient storeClient, MemberConfig config, Runnable onPublished) {
    Member self = layout.self().toBuilder().clearClientURLs()
        .addAllClientURLs(config.advertiseClientUrls().stream().map(URI::toString).toList()).build();
    InternalRaftRequest request = InternalRaftRequest.newBuilder().setMemberAttributes(self).build();
    storeClient.propose(request).whenComplete((ok, failure) -> {
      if (failure == null) {
        log.info("enabled capabilities for version {}", Version.CLUSTER_API_VERSION);
        log.info("published local member to cluster through raft: local-member-id={} "
                + "local-member-attributes={{Name:{} ClientURLs:{}}} cluster-id={}",
            Long.toHexString(layout.memberId()), config.name(), self.getClientURLsList(),
            Long.toHexString(storeState.clusterId()));
        log.info("ready to serve client requests");
        onPublished.run();
        published.complete(null);
      } else if (!closing) {
        system.scheduler().scheduleOnce(Duration.ofMillis(200), () -> publish(storeClient, config, onPublished),
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

  /**
   * etcd's server loop on its own removal (errorc): it logs the two lines below and stops; its process
   * then exits with status 0. The store flushes what it applied, the listeners close.
   */
  private void stopRemoved() {
    removedFromCluster = true;
    log.warn("server error: error=the member has been permanently removed from the cluster");
    log.warn("data-dir used by this member must be removed");
    try {
      close();
    } catch (Exception e) {
      log.error("error while stopping the removed member", e);
    }
    removed.complete(null);
  }

  /** Completes once this member has stopped because it was removed from the cluster through Raft. */
  public CompletionStage<Void> removed() {
    return removed;
  }

  /** Whether this member was removed from the cluster (it stops, or has stopped, by itself). */
  public boolean wasRemoved() {
    return removedFromCluster;
  }

  /** Completes once the member has published itself through Raft: a quorum is up and it can serve. */
  public CompletionStage<Void> ready() {
    return published;
  }

  /** The port the first client listener is bound to (useful with port 0). */
  public int clientPort() {
    return bindings.get(0).localAddress().getPort();
  }

  /** The member's actor system, for tests that reach its extensions (e.g. a persistence testkit). */
  public ActorSystem<?> actorSystem() {
    return system;
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
  public synchronized void close() throws Exception {
    if (closed) {
      return; // a removed member has closed itself (see stopRemoved); its owner may close it again
    }
    closed = true;
    closing = true;
    if (corruptCheck != null) {
      corruptCheck.close();
    }
    if (compactor != null) {
      compactor.close();
    }
    for (ServerBinding b : bindings) {
      try {
        b.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        // A member that fail-stopped has stopped its actor system, and its listeners with it.
        log.warn("unbinding {} failed: {}", b.localAddress(), e.getCause().toString());
      }
    }
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      // Seen with peer TLS: Artery's flush towards a peer already gone outlives CoordinatedShutdown's
      // phase timeout. The backend stays open then: an actor that has not stopped may still use it.
      log.warn("the actor system did not stop within 30 s; leaving the store open for the process exit");
      return;
    }
    backend.close();
  }
}
