package io.akkaetcd.grpcproxy;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.ConnectionContext;
import akka.http.javadsl.Http;
import akka.http.javadsl.HttpsConnectionContext;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.util.ByteString;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.grpc.GrpcStatus;
import io.akkaetcd.grpc.UnaryGrpcHandler;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * The proxy's HTTP side, as etcd 3.4's grpc-proxy serves it beside gRPC: {@code /health} (a Range of
 * key "a" through the proxy within a second; permission denied counts as healthy) and {@code /metrics}
 * (the text of one member's {@code /metrics}, fetched from a randomly chosen endpoint, as
 * grpcproxy.HandleMetrics does); everything else is Go's 404. A gRPC call to a service the proxy does
 * not know is UNIMPLEMENTED.
 */
final class ProxyHttp implements Function<HttpRequest, CompletionStage<HttpResponse>> {
  private static final akka.http.javadsl.model.ContentType PROMETHEUS =
      akka.http.javadsl.model.ContentTypes.parse("text/plain; version=0.0.4");

  private final ActorSystem<?> system;
  private final Upstream upstream;
  private final String metricsEndpoint;
  private final Optional<HttpsConnectionContext> https;
  private final boolean listenerTls;

  /** {@code listenerTls}: the listener this serves speaks TLS (etcd picks the metrics scheme by it). */
  ProxyHttp(ActorSystem<?> system, Upstream upstream, Optional<SSLContext> upstreamTls, boolean listenerTls) {
    this.system = system;
    this.listenerTls = listenerTls;
    this.upstream = upstream;
    List<String> shuffled = new ArrayList<>(upstream.endpoints());
    Collections.shuffle(shuffled);
    this.metricsEndpoint = shuffled.get(0);
    this.https = upstreamTls.map(ConnectionContext::httpsClient);
  }

  @Override
  public CompletionStage<HttpResponse> apply(HttpRequest request) {
    if (request.getHeader("content-type").map(h -> h.value().startsWith("application/grpc")).orElse(false)) {
      return CompletableFuture.completedFuture(UnaryGrpcHandler.error(GrpcStatus.of(Status.Code.UNIMPLEMENTED,
          "unknown service " + request.getUri().path().substring(1).replaceAll("/[^/]*$", ""))));
    }
    return switch (request.getUri().path()) {
      case "/health" -> health(request);
      case "/metrics" -> metrics(request);
      default -> CompletableFuture.completedFuture(text(StatusCodes.NOT_FOUND, "404 page not found\n"));
    };
  }

  /** etcd's NewHealthHandler over the proxy's checkHealth. */
  private CompletionStage<HttpResponse> health(HttpRequest request) {
    if (request.method() != HttpMethods.GET) {
      return CompletableFuture.completedFuture(text(StatusCodes.METHOD_NOT_ALLOWED, "Method Not Allowed\n")
          .addHeader(RawHeader.create("Allow", "GET")));
    }
    RangeRequest probe = RangeRequest.newBuilder().setKey(com.google.protobuf.ByteString.copyFromUtf8("a")).build();
    return upstream.call(upstream.kv().range(), probe, null).toCompletableFuture()
        .orTimeout(1, TimeUnit.SECONDS)
        .handle((r, failure) -> {
          boolean healthy = failure == null
              || GrpcStatus.fromThrowable(failure).code() == Status.Code.PERMISSION_DENIED.value();
          return healthy
              ? HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "{\"health\":\"true\"}"))
              : text(StatusCodes.SERVICE_UNAVAILABLE, "{\"health\":\"false\"}\n");
        });
  }

  /** The member's /metrics; an endpoint without a scheme is asked over the scheme this request came on. */
  private CompletionStage<HttpResponse> metrics(HttpRequest request) {
    String target = metricsEndpoint + "/metrics";
    if (!target.startsWith("http")) {
      target = (listenerTls ? "https://" : "http://") + target;
    }
    HttpRequest get = HttpRequest.GET(target);
    CompletionStage<HttpResponse> fetched = target.startsWith("https://") && https.isPresent()
        ? Http.get(system).singleRequest(get, https.get())
        : Http.get(system).singleRequest(get);
    return fetched
        .thenCompose(r -> r.entity().toStrict(10_000, system))
        .thenApply(strict -> HttpResponse.create().withEntity(HttpEntities.create(PROMETHEUS, strict.getData())))
        .exceptionally(failure -> text(StatusCodes.INTERNAL_SERVER_ERROR, "Internal server error\n"));
  }

  private static HttpResponse text(akka.http.javadsl.model.StatusCode status, String body) {
    return HttpResponse.create().withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, ByteString.fromString(body)))
        .addHeader(RawHeader.create("X-Content-Type-Options", "nosniff"));
  }
}
