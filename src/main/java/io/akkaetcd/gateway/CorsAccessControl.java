package io.akkaetcd.gateway;

import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * etcd's access controller in front of the client port's HTTP handlers (the gateway, /health,
 * /metrics, /version): CORS headers for the allowed origins ({@code --cors}, "*" by default, as etcd
 * 3.4's default lets every origin in), and a bare 200 for a pre-flight OPTIONS. gRPC calls pass untouched.
 */
public final class CorsAccessControl implements Function<HttpRequest, CompletionStage<HttpResponse>> {
  private final Set<String> allowedOrigins;
  private final Function<HttpRequest, CompletionStage<HttpResponse>> next;

  public CorsAccessControl(Set<String> allowedOrigins, Function<HttpRequest, CompletionStage<HttpResponse>> next) {
    this.allowedOrigins = Set.copyOf(allowedOrigins);
    this.next = next;
  }

  @Override
  public CompletionStage<HttpResponse> apply(HttpRequest request) {
    if (request.entity().getContentType().mediaType().toString().startsWith("application/grpc")) {
      return next.apply(request);
    }
    Optional<String> origin = allowedOrigin(request);
    if (request.method().equals(HttpMethods.OPTIONS)) {
      return CompletableFuture.completedFuture(withCors(HttpResponse.create(), origin));
    }
    return origin.isEmpty() ? next.apply(request) : next.apply(request).thenApply(r -> withCors(r, origin));
  }

  private Optional<String> allowedOrigin(HttpRequest request) {
    if (allowedOrigins.contains("*")) {
      return Optional.of("*");
    }
    return request.getHeader("Origin").map(h -> h.value()).filter(allowedOrigins::contains);
  }

  private static HttpResponse withCors(HttpResponse response, Optional<String> origin) {
    return origin.map(o -> response.addHeaders(List.of(
        RawHeader.create("Access-Control-Allow-Methods", "POST, GET, OPTIONS, PUT, DELETE"),
        RawHeader.create("Access-Control-Allow-Origin", o),
        RawHeader.create("Access-Control-Allow-Headers", "accept, content-type, authorization"))))
        .orElse(response);
  }
}
