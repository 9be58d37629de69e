package io.akkaetcd.server;

import io.akkaetcd.concurrent.DirectFutures;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import com.google.protobuf.ByteString;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.cluster.RaftActor;
import io.akkaetcd.config.Version;
import io.akkaetcd.grpc.GrpcStatus;
import io.akkaetcd.grpc.UnaryGrpcHandler;
import io.akkaetcd.metrics.EtcdMetrics;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.raft.RaftNode;
import io.akkaetcd.raft.Role;
import io.akkaetcd.store.Alarms;
import io.akkaetcd.store.StoreActor;
import io.akkaetcd.store.StoreStatus;
import io.grpc.Status;
import io.akkaetcd.api.AlarmType;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * What the client port serves besides gRPC: /health, /livez, /readyz, /version and /metrics as etcd does, and the
 * UNIMPLEMENTED answer for gRPC paths no service claims.
 */
final class HttpEndpoints implements Function<HttpRequest, CompletionStage<HttpResponse>> {
  private static final RangeRequest HEALTH_PROBE =
      RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("health")).build();

  private final StoreClient storeClient;
  private final ActorRef<StoreActor.Command> store;
  private final ActorRef<RaftActor.Command> raft;
  private final EtcdMetrics metrics;
  /** --enable-pprof: the JVM's debug endpoints under /debug/. */
  private final boolean enablePprof;
  private final Scheduler scheduler;
  private final LongSupplier clusterId;
  private final long memberId;
  private final Alarms alarms;

  HttpEndpoints(StoreClient storeClient, ActorRef<StoreActor.Command> store, ActorRef<RaftActor.Command> raft,
      Scheduler scheduler, LongSupplier clusterId, long memberId, Alarms alarms, EtcdMetrics metrics,
      boolean enablePprof) {
    this.alarms = alarms;
    this.metrics = metrics;
    this.enablePprof = enablePprof;
    this.raft = raft;
    this.storeClient = storeClient;
    this.store = store;
    this.scheduler = scheduler;
    this.clusterId = clusterId;
    this.memberId = memberId;
    HealthProbes.Check serializableRead = () -> readCheck(true);
    this.livez = new HealthProbes("/livez", Map.of("serializable_read", serializableRead));
    Map<String, HealthProbes.Check> ready = new LinkedHashMap<>();
    ready.put("data_corruption", () -> CompletableFuture.completedFuture(
        alarms.isActive(AlarmType.CORRUPT) ? Optional.of("alarm activated: CORRUPT") : Optional.empty()));
    ready.put("serializable_read", serializableRead);
    ready.put("linearizable_read", () -> readCheck(false));
    this.readyz = new HealthProbes("/readyz", ready);
  }

  /** etcd 3.5's livez: this member answers a local read; readyz: also no corruption and a linearizable read. */
  private final HealthProbes livez;
  private final HealthProbes readyz;

  private CompletionStage<Optional<String>> readCheck(boolean serializable) {
    return storeClient.range(HEALTH_PROBE.toBuilder().setSerializable(serializable).build())
        .handle((ok, failure) -> failure == null ? Optional.<String>empty() : Optional.of(GrpcStatus.fromThrowable(failure).message()));
  }

  @Override
  public CompletionStage<HttpResponse> apply(HttpRequest request) {
    String path = request.getUri().path();
    for (HealthProbes probes : List.of(livez, readyz)) {
      if (probes.serves(path)) {
        var query = request.getUri().query();
        Set<String> excluded = Set.copyOf(query.getAll("exclude"));
        return probes.answer(path, excluded, query.get("verbose").isPresent()).thenApply(a ->
            HttpResponse.create().withStatus(a.status()).withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, a.body())));
      }
    }
    return switch (path) {
      case "/health" -> health();
      case "/version" -> json(String.format("{\"etcdserver\":\"%s\",\"etcdcluster\":\"%s\"}",
          Version.SERVER_VERSION, Version.CLUSTER_VERSION));
      case "/metrics" -> metrics();
      default -> enablePprof && path.startsWith(JvmDebugEndpoints.PREFIX) && !isGrpc(request)
          ? JvmDebugEndpoints.serve(request)
          : CompletableFuture.completedFuture(isGrpc(request)
          ? UnaryGrpcHandler.error(GrpcStatus.of(Status.Code.UNIMPLEMENTED, "unknown service " + service(path)))
          : HttpResponse.create().withStatus(StatusCodes.NOT_FOUND));
    };
  }

  /** What a --listen-metrics-urls listener serves: /metrics, /health, /readyz, /livez; 404 otherwise. */
  static Function<HttpRequest, CompletionStage<HttpResponse>> metricsAndHealthOnly(HttpEndpoints endpoints) {
    return request -> switch (request.getUri().path()) {
      case "/metrics", "/health", "/readyz", "/livez" -> endpoints.apply(request);
      default -> CompletableFuture.completedFuture(HttpResponse.create().withStatus(StatusCodes.NOT_FOUND));
    };
  }

  /**
   * As etcd 3.4's checkHealth: unhealthy (503, {"health":"false"}) while any alarm is active, or when a
   * linearizable read fails (no leader, no quorum); the body has no reason field in 3.4.
   */
  private CompletionStage<HttpResponse> health() {
    if (!alarms.list().isEmpty()) {
      return CompletableFuture.completedFuture(jsonResponse(UNHEALTHY, StatusCodes.SERVICE_UNAVAILABLE));
    }
    // Without a leader etcd says false at once (a read would wait for one, see WaitingForLeader).
    return DirectFutures.direct(AskPattern.ask(raft, RaftActor.GetStatus::new, Duration.ofSeconds(5), scheduler))
        .thenCompose(view -> view.status().leaderId() == RaftNode.NONE
            ? CompletableFuture.failedFuture(EtcdError.NO_LEADER.exception())
            : storeClient.range(HEALTH_PROBE))
        .handle((ok, failure) -> failure == null
            ? jsonResponse("{\"health\":\"true\"}", StatusCodes.OK)
            : jsonResponse(UNHEALTHY, StatusCodes.SERVICE_UNAVAILABLE));
  }

  /** etcd answers an unhealthy member through Go's http.Error, which ends the body with a newline. */
  private static final String UNHEALTHY = "{\"health\":\"false\"}\n";

  private CompletionStage<HttpResponse> metrics() {
    CompletionStage<StoreStatus> status =
        DirectFutures.direct(AskPattern.ask(store, StoreActor.Describe::new, Duration.ofSeconds(5), scheduler));
    CompletionStage<RaftActor.RaftView> raftView =
        DirectFutures.direct(AskPattern.ask(raft, RaftActor.GetStatus::new, Duration.ofSeconds(5), scheduler));
    return status.thenCombine(raftView, (s, r) -> {
      metrics.update(new EtcdMetrics.MemberSnapshot(r.status().leaderId() != RaftNode.NONE,
          r.status().role() == Role.LEADER, r.status().configuration().isLearner(memberId), s.revision(),
          s.compactRevision(), s.dbSizeBytes(), s.dbSizeInUseBytes(), r.status().commit(), r.appliedIndex(),
          r.leaderChanges()));
      return HttpResponse.create().withEntity(HttpEntities.create(PROMETHEUS_TEXT,
          metrics.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    });
  }

  /** The Prometheus text format 0.0.4, as client_golang labels it. */
  private static final akka.http.javadsl.model.ContentType PROMETHEUS_TEXT = akka.http.javadsl.model.ContentTypes
      .create(akka.http.javadsl.model.MediaTypes.customWithFixedCharset("text", "plain",
          akka.http.javadsl.model.HttpCharsets.UTF_8, new java.util.HashMap<>(java.util.Map.of("version", "0.0.4")),
          false));

  private static boolean isGrpc(HttpRequest request) {
    return request.entity().getContentType().mediaType().toString().startsWith("application/grpc");
  }

  private static String service(String path) {
    int slash = path.indexOf('/', 1);
    return slash > 0 ? path.substring(1, slash) : path;
  }

  private static CompletionStage<HttpResponse> json(String body) {
    return CompletableFuture.completedFuture(jsonResponse(body, StatusCodes.OK));
  }

  private static HttpResponse jsonResponse(String body, akka.http.javadsl.model.StatusCode code) {
    return HttpResponse.create().withStatus(code).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
  }
}
