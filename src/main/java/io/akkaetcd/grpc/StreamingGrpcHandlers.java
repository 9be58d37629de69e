package io.akkaetcd.grpc;

import akka.grpc.Trailers;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import io.akkaetcd.auth.Caller;
import io.grpc.Status;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Routes the streaming RPCs (the ones {@link UnaryGrpcHandler} passes on) to the handlers Akka gRPC
 * generates, by service name, and everything else to {@code fallback}. As for a unary call, a stream
 * starts once its caller's token is known to this member (a fresh simple token's Authenticate entry
 * applied, as etcd's isValidSimpleToken waits for it), and its guard, if any, has let it through.
 * Failures of a stream end with etcd's status code and text, as {@link GrpcStatus#fromThrowable} maps them.
 */
public final class StreamingGrpcHandlers implements Function<HttpRequest, CompletionStage<HttpResponse>> {
  private static final String ACCEPT_ENCODING = "grpc-accept-encoding";

  private final Map<String, Function<HttpRequest, CompletionStage<HttpResponse>>> byService;
  private final Function<HttpRequest, CompletionStage<HttpResponse>> fallback;
  private final Map<String, Function<HttpRequest, GrpcStatus>> guards;
  private final Function<Caller, CompletionStage<Void>> callerKnown;

  private StreamingGrpcHandlers(Map<String, Function<HttpRequest, CompletionStage<HttpResponse>>> byService,
      Function<HttpRequest, CompletionStage<HttpResponse>> fallback, Map<String, Function<HttpRequest, GrpcStatus>> guards,
      Function<Caller, CompletionStage<Void>> callerKnown) {
    this.callerKnown = callerKnown;
    this.guards = Map.copyOf(guards);
    this.byService = Map.copyOf(byService);
    this.fallback = fallback;
  }

  /** Maps a stream's failure to a gRPC status with etcd's code and message. */
  public static akka.japi.Function<akka.actor.ActorSystem, akka.japi.Function<Throwable, Trailers>> errors() {
    return system -> failure -> {
      GrpcStatus status = GrpcStatus.fromThrowable(failure);
      return new Trailers(Status.fromCodeValue(status.code()).withDescription(status.message()));
    };
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public CompletionStage<HttpResponse> apply(HttpRequest request) {
    String path = request.getUri().path();
    int slash = path.indexOf('/', 1);
    if (slash > 0) {
      Function<HttpRequest, CompletionStage<HttpResponse>> handler = byService.get(path.substring(1, slash));
      if (handler != null) {
        Function<HttpRequest, GrpcStatus> guard = guards.get(path);
        return callerKnown.apply(UnaryGrpcHandler.callerOf(request, r -> null)).thenCompose(known -> {
          GrpcStatus refused = guard == null ? null : guard.apply(request);
          if (refused != null) {
            return java.util.concurrent.CompletableFuture.completedFuture(UnaryGrpcHandler.error(refused));
          }
          // Akka gRPC gzips every response frame when the client accepts gzip (grpc-java and Akka gRPC
          // clients say they do); etcd's server never compresses, and a fresh Deflater per watch event cost
          // about a tenth of the server's CPU in watch fan-out. Answer uncompressed, as etcd does.
          return handler.apply(request.removeHeader(ACCEPT_ENCODING));
        });
      }
    }
    return fallback.apply(request);
  }

  public static final class Builder {
    private final Map<String, Function<HttpRequest, CompletionStage<HttpResponse>>> byService =
        new LinkedHashMap<>();
    private final Map<String, Function<HttpRequest, GrpcStatus>> guards = new LinkedHashMap<>();
    private Function<Caller, CompletionStage<Void>> callerKnown =
        caller -> java.util.concurrent.CompletableFuture.completedFuture(null);

    /** What every stream waits for before it starts, given its caller (see the class comment). */
    public Builder callerKnown(Function<Caller, CompletionStage<Void>> wait) {
      this.callerKnown = wait;
      return this;
    }

    /** Before the stream at {@code path} starts: a status to refuse it with, or null to let it run. */
    public Builder guard(String path, Function<HttpRequest, GrpcStatus> guard) {
      guards.put(path, guard);
      return this;
    }

    /** {@code handler} (a generated {@code *HandlerFactory.partial}) serves service {@code fullName}. */
    public Builder service(String fullName,
        akka.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> handler) {
      byService.put(fullName, request -> {
        try {
          return handler.apply(request);
        } catch (Exception e) {
          return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
      });
      return this;
    }

    public StreamingGrpcHandlers build(Function<HttpRequest, CompletionStage<HttpResponse>> fallback) {
      return new StreamingGrpcHandlers(byService, fallback, guards, callerKnown);
    }
  }

}
