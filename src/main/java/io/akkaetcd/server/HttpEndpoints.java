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
import io.akkaetcd.metrics.Histogram;
import io.akkaetcd.metrics.PeerMetrics;
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
  private final Histogram walFsync;
  private final PeerMetrics peerMetrics;
  private final Scheduler scheduler;
  private final LongSupplier clusterId;
  private final long memberId;
  private final Alarms alarms;

  HttpEndpoints(StoreClient storeClient, ActorRef<StoreActor.Command> store, ActorRef<RaftActor.Command> raft,
      Scheduler scheduler, LongSupplier clusterId, long memberId, Alarms alarms, Histogram walFsync,
      PeerMetrics peerMetrics) {
    this.alarms = alarms;
    this.walFsync = walFsync;
    this.peerMetrics = peerMetrics;
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
      default -> CompletableFuture.completedFuture(isGrpc(request)
          ? UnaryGrpcHandler.error(GrpcStatus.of(Status.Code.UNIMPLEMENTED, "unknown service " + service(path)))
          : HttpResponse.create().withStatus(StatusCodes.NOT_FOUND));
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
    return storeClient.range(HEALTH_PROBE)
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
    return status.thenCombine(raftView, (s, r) -> HttpResponse.create().withEntity(HttpEntities.create(
        ContentTypes.TEXT_PLAIN_UTF8, metricsText(s, r))));
  }

  private String metricsText(StoreStatus s, RaftActor.RaftView r) {
    StringBuilder out = new StringBuilder(
        "# TYPE etcd_server_has_leader gauge\netcd_server_has_leader "
            + (r.status().leaderId() != RaftNode.NONE ? 1 : 0) + "\n"
            + "# TYPE etcd_server_is_leader gauge\netcd_server_is_leader "
            + (r.status().role() == Role.LEADER ? 1 : 0) + "\n"
            + "# TYPE etcd_mvcc_db_total_size_in_bytes gauge\netcd_mvcc_db_total_size_in_bytes " + s.dbSizeBytes() + "\n"
            + "# TYPE etcd_debugging_mvcc_current_revision gauge\netcd_debugging_mvcc_current_revision " + s.revision() + "\n"
            + "# TYPE etcd_debugging_mvcc_compact_revision gauge\netcd_debugging_mvcc_compact_revision " + s.compactRevision() + "\n"
            + "# TYPE etcd_server_id gauge\netcd_server_id{server_id=\"" + Long.toHexString(memberId) + "\"} 1\n"
            + "# TYPE etcd_cluster_id gauge\netcd_cluster_id{cluster_id=\"" + Long.toHexString(clusterId.getAsLong()) + "\"} 1\n");
    walFsync.render(out);
    peerMetrics.render(out);
    return out.toString();
  }

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
