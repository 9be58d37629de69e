package io.akkaetcd.server;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.stream.Materializer;
import com.typesafe.config.Config;
import io.akkaetcd.api.Cluster;
import io.akkaetcd.api.KV;
import io.akkaetcd.api.Maintenance;
import io.akkaetcd.api.Member;
import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.grpc.UnaryGrpcHandler;
import akka.actor.typed.Props;
import io.akkaetcd.api.Election;
import io.akkaetcd.api.ElectionHandlerFactory;
import io.akkaetcd.api.Lease;
import io.akkaetcd.api.Lock;
import io.akkaetcd.server.concurrency.ElectionService;
import io.akkaetcd.server.concurrency.LockService;
import io.akkaetcd.api.LeaseHandlerFactory;
import io.akkaetcd.api.Watch;
import io.akkaetcd.api.WatchHandlerFactory;
import io.akkaetcd.grpc.StreamingGrpcHandlers;
import io.akkaetcd.lease.Lessor;
import io.akkaetcd.mvcc.MvccStore;
import io.akkaetcd.server.lease.LeaseExpiryActor;
import io.akkaetcd.server.lease.LeaseService;
import io.akkaetcd.server.lease.LeaseWiring;
import io.akkaetcd.server.lease.Leadership;
import io.akkaetcd.server.watch.WatchContext;
import io.akkaetcd.server.watch.WatchHub;
import io.akkaetcd.server.watch.WatchService;
import io.akkaetcd.server.watch.WatchSettings;
import io.akkaetcd.store.LeaseApplier;
import io.akkaetcd.store.WatchFeed;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import io.akkaetcd.storage.LevelDbBackend;
import io.akkaetcd.store.Applier;
import io.akkaetcd.store.StoreActor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member: its actor system, the store actor over LevelDB, and the client listeners serving etcd's
 * gRPC API (plus /health, /version, /metrics) on every --listen-client-urls address.
 */
public final class EtcdServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EtcdServer.class);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(7);

  private final ActorSystem<Void> system;
  private final LevelDbBackend backend;
  private final List<ServerBinding> bindings;
  private final long memberId;
  private final long clusterId;

  private EtcdServer(ActorSystem<Void> system, LevelDbBackend backend, List<ServerBinding> bindings,
      long memberId, long clusterId) {
    this.system = system;
    this.backend = backend;
    this.bindings = bindings;
    this.memberId = memberId;
    this.clusterId = clusterId;
  }

  /** Starts the member and returns once every client listener is bound. */
  public static EtcdServer start(MemberConfig config, Config akkaConfig) throws Exception {
    long memberId = MemberIdentity.memberId(config.initialAdvertisePeerUrls(), config.initialClusterToken());
    List<Long> memberIds = new ArrayList<>();
    config.initialCluster().values().forEach(urls -> memberIds.add(
        MemberIdentity.memberId(urls, config.initialClusterToken())));
    long clusterId = MemberIdentity.clusterId(memberIds);

    LevelDbBackend backend = LevelDbBackend.open(config.dataDir().resolve("member").resolve("kv"));
    // Leases first, so that the store can re-attach each live key to its lease as it reopens.
    LongSupplier clock = () -> System.nanoTime() / 1_000_000;
    Lessor lessor = LeaseWiring.openLessor(backend, config, clock.getAsLong());
    MvccStore mvcc = MvccStore.open(backend, lessor);
    // A lone member leads from the start; etcd's new leader extends every lease by an election
    // timeout. With Raft, promote/demote follow the member's role instead.
    lessor.promote(clock.getAsLong(), config.electionTimeoutMs());
    Applier applier = new Applier(mvcc, backend, config.quotaBackendBytes(), clusterId, memberId,
        new LeaseApplier(lessor, mvcc, clock));

    CompletableFuture<ActorRef<StoreActor.Command>> storeRef = new CompletableFuture<>();
    CompletableFuture<ActorRef<WatchFeed>> hubRef = new CompletableFuture<>();
    AtomicLong hubRevision = new AtomicLong(mvcc.currentRevision());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(ctx -> {
      ActorRef<WatchFeed> hub = ctx.spawn(WatchHub.create(storeRef::join, hubRevision), "watch-hub");
      hubRef.complete(hub);
      storeRef.complete(ctx.spawn(StoreActor.create(applier, hub), "store"));
      return Behaviors.empty();
    }), "akka-etcd", akkaConfig);
    try {
      ActorRef<StoreActor.Command> store = storeRef.get(10, TimeUnit.SECONDS);
      StoreClient storeClient = new StoreClient(store, system.scheduler(), REQUEST_TIMEOUT);
      system.systemActorOf(LeaseExpiryActor.create(storeClient, Leadership.ALWAYS, Duration.ofMillis(500)),
          "lease-expiry", Props.empty());
      WatchContext watchContext = new WatchContext(hubRef.get(10, TimeUnit.SECONDS), hubRevision,
          WatchSettings.from(akkaConfig, config.maxRequestBytes()), applier::header);
      LeaseService leaseService = new LeaseService(storeClient);
      WatchService watchService = new WatchService(system, watchContext);
      Member self = Member.newBuilder().setID(memberId).setName(config.name())
          .addAllPeerURLs(config.initialAdvertisePeerUrls().stream().map(URI::toString).toList())
          .addAllClientURLs(config.advertiseClientUrls().stream().map(URI::toString).toList())
          .build();

      Materializer materializer = Materializer.matFromSystem(system);
      ElectionService electionService = ElectionService.create(storeClient, watchService, materializer);
      HttpEndpoints http = new HttpEndpoints(storeClient, store, system.scheduler(), clusterId, memberId);
      StreamingGrpcHandlers streaming = StreamingGrpcHandlers.builder()
          .service(Watch.name, WatchHandlerFactory.partial(watchService, Watch.name, materializer,
              StreamingGrpcHandlers.errors(), system))
          .service(Lease.name, LeaseHandlerFactory.partial(leaseService, Lease.name, materializer,
              StreamingGrpcHandlers.errors(), system))
          .service(Election.name, ElectionHandlerFactory.partial(electionService, Election.name,
              materializer, StreamingGrpcHandlers.errors(), system))
          .build(http);
      Function<HttpRequest, CompletionStage<HttpResponse>> handler = UnaryGrpcHandler.builder()
          .service(KV.class, new KvService(storeClient, config.maxTxnOps()))
          .service(Maintenance.class, new MaintenanceService(store, system.scheduler(), clusterId, memberId))
          .service(Cluster.class, new ClusterService(clusterId, self))
          .service(Lease.class, leaseService)
          .service(Lock.class, LockService.create(storeClient, watchService, materializer))
          .service(Election.class, electionService)
          .build(streaming, materializer, config.maxRequestBytes());

      List<ServerBinding> bindings = new ArrayList<>();
      for (URI url : config.listenClientUrls()) {
        ServerBinding binding = Http.get(system).newServerAt(url.getHost(), url.getPort())
            .bind(handler::apply).toCompletableFuture().get(10, TimeUnit.SECONDS);
        bindings.add(binding);
        log.info("serving client traffic insecurely; this is strongly discouraged! address={}", url);
      }
      EtcdServer server = new EtcdServer(system, backend, bindings, memberId, clusterId);
      log.info("enabled capabilities for version 3.5");
      log.info("published local member to cluster through raft: local-member-id={} local-member-attributes={{Name:{} ClientURLs:{}}} cluster-id={}",
          Long.toHexString(memberId), config.name(), config.advertiseClientUrls(), Long.toHexString(clusterId));
      log.info("ready to serve client requests");
      return server;
    } catch (Exception e) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
      backend.close();
      throw e;
    }
  }

  /** The port the first client listener is bound to (useful with port 0). */
  public int clientPort() {
    return bindings.get(0).localAddress().getPort();
  }

  public List<InetSocketAddress> clientAddresses() {
    return bindings.stream().map(ServerBinding::localAddress).toList();
  }

  public long memberId() {
    return memberId;
  }

  public long clusterId() {
    return clusterId;
  }

  /** Stops listening, lets the store flush what it holds, then closes the backend. */
  @Override
  public void close() throws Exception {
    for (ServerBinding b : bindings) {
      b.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    backend.close();
  }
}
