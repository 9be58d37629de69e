package io.akkaetcd.gateway;

import akka.NotUsed;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.japi.Pair;
import akka.japi.pf.PFBuilder;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.akkaetcd.concurrent.DirectFutures;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.grpc.GrpcStatus;
import io.akkaetcd.grpc.ServiceReflection;
import io.akkaetcd.grpc.UnaryGrpcHandler;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * etcd's HTTP/JSON gateway (grpc-gateway in etcd) on the client listeners: {@code POST /v3/kv/put}
 * with a JSON body calls the same service implementation the gRPC front calls and answers JSON in
 * grpc-gateway's mapping ({@link GatewayJson}). Streaming calls (watch, lease keep-alive, snapshot,
 * observe) answer one JSON object a line, {@code {"result":...}}, as grpc-gateway streams them.
 *
 * <p>Where etcd's gateway is a gRPC client of its own server, this calls the services in-process: no
 * second HTTP/2 hop, and the same errors, since both paths map failures through {@link GrpcStatus}.
 */
public final class JsonGateway implements Function<HttpRequest, CompletionStage<HttpResponse>> {
  /** grpc-gateway buffers the whole body; past what a request could legally hold it is refused. */
  private static final long STRICT_TIMEOUT_MS = 10_000;
  /** grpc's server-side limit beyond --max-request-bytes, as etcd sets it (grpcOverheadBytes). */
  private static final int GRPC_OVERHEAD_BYTES = 512 * 1024;

  private final Map<String, GatewayMethod> methods;
  private final Function<HttpRequest, CompletionStage<HttpResponse>> fallback;
  private final Materializer materializer;
  private final int maxRequestBytes;
  private final StreamSlots slots;
  private final Function<io.akkaetcd.auth.Caller, CompletionStage<Void>> callerKnown;

  private JsonGateway(Map<String, GatewayMethod> methods,
      Function<HttpRequest, CompletionStage<HttpResponse>> fallback, Materializer materializer,
      int maxRequestBytes, long maxConcurrentStreams, Function<io.akkaetcd.auth.Caller, CompletionStage<Void>> callerKnown) {
    this.callerKnown = callerKnown;
    this.methods = Map.copyOf(methods);
    this.fallback = fallback;
    this.materializer = materializer;
    this.maxRequestBytes = maxRequestBytes;
    this.slots = new StreamSlots(maxConcurrentStreams);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public CompletionStage<HttpResponse> apply(HttpRequest request) {
    String path = request.getUri().path();
    if (!GatewayRoutes.isGatewayPath(path) || isGrpc(request)) {
      return fallback.apply(request);
    }
    Optional<String> grpcMethod = GatewayRoutes.grpcMethod(path);
    if (grpcMethod.isEmpty()) {
      return done(plainError(404));
    }
    if (!request.method().equals(HttpMethods.POST)) {
      return done(plainError(405));
    }
    GatewayMethod method = methods.get(grpcMethod.get());
    if (method == null) {
      String service = grpcMethod.get().substring(0, grpcMethod.get().indexOf('/'));
      return done(error(GrpcStatus.of(Status.Code.UNIMPLEMENTED, "unknown service " + service)));
    }
    // JSON with base64 needs up to 4/3 of the bytes it carries, plus field names.
    long maxBodyBytes = 2L * (maxRequestBytes + GRPC_OVERHEAD_BYTES);
    return DirectFutures.direct(request.entity().toStrict(STRICT_TIMEOUT_MS, maxBodyBytes, materializer))
        .thenCompose(strict -> call(method, strict.getData().decodeString(StandardCharsets.UTF_8),
            // the Authorization header carries the token, as through grpc-gateway
            UnaryGrpcHandler.callerOf(request, r -> null)))
        .exceptionally(failure -> error(GrpcStatus.of(Status.Code.RESOURCE_EXHAUSTED,
            "grpc: received message larger than max (more than " + maxBodyBytes + " bytes of JSON)")));
  }

  private CompletionStage<HttpResponse> call(GatewayMethod method, String body, io.akkaetcd.auth.Caller caller) {
    List<Message> requests;
    try {
      requests = GatewayJson.parseAll(body, method.requestPrototype());
    } catch (InvalidProtocolBufferException e) {
      return done(error(GrpcStatus.of(Status.Code.INVALID_ARGUMENT, String.valueOf(e.getMessage()))));
    }
    for (Message r : requests) {
      int size = r.getSerializedSize();
      if (size > maxRequestBytes + GRPC_OVERHEAD_BYTES) {
        return done(error(GrpcStatus.of(Status.Code.RESOURCE_EXHAUSTED, "grpc: received message larger than max ("
            + size + " vs. " + (maxRequestBytes + GRPC_OVERHEAD_BYTES) + ")")));
      }
      if (size > maxRequestBytes) {
        return done(error(GrpcStatus.of(EtcdError.REQUEST_TOO_LARGE)));
      }
    }
    return callerKnown.apply(caller).thenCompose(known -> slots.acquire()).thenCompose(slot -> switch (method.kind()) {
      case UNARY -> method.callUnary(requests.get(0), caller).handle((response, failure) -> {
        slots.release();
        return failure == null ? json(200, GatewayJson.print(response)) : error(GrpcStatus.fromThrowable(failure));
      });
      case SERVER_STREAMING -> stream(method.callStreaming(requests, null, caller));
      // A watch stays open after the body ends (etcd's does: its send loop outlives the receive loop),
      // until the HTTP client goes away; a keep-alive stream ends once its requests are answered.
      case BIDI_STREAMING -> stream(method.callStreaming(requests, isWatch(method)
          ? Source.from(requests).concat(Source.never())
          : Source.from(requests), caller));
    });
  }

  /**
   * Answers a stream once its first message (or failure) is known, so that a stream failing at once
   * gets the status of its error, as grpc-gateway decides the status at its first write. A failure
   * later in the stream ends it with grpc-gateway's error chunk.
   */
  private CompletionStage<HttpResponse> stream(Source<Message, NotUsed> responses) {
    // The slot is free again once the stream ends, however it ends (done, failed, client gone).
    Source<Message, NotUsed> releasing = responses.watchTermination((notUsed, done) -> {
      done.whenComplete((ok, failure) -> slots.release());
      return NotUsed.getInstance();
    });
    return releasing.prefixAndTail(1).runWith(Sink.head(), materializer)
        .handle((Pair<List<Message>, Source<Message, NotUsed>> split, Throwable failure) -> {
          if (failure != null) {
            GrpcStatus status = GrpcStatus.fromThrowable(failure);
            return chunked(HttpStatusMapping.fromGrpcCode(status.code()),
                Source.single(errorChunk(status)));
          }
          Source<ByteString, NotUsed> lines = Source.from(split.first()).concat(split.second())
              .map(m -> line(GatewayJson.resultChunk(m)))
              .recover(new PFBuilder<Throwable, ByteString>()
                  .matchAny(t -> errorChunk(GrpcStatus.fromThrowable(t)))
                  .build());
          return chunked(200, lines);
        });
  }

  private static boolean isWatch(GatewayMethod method) {
    return method.method().getName().equals("watch");
  }

  /** grpc-gateway's handleForwardResponseStreamError writes the chunk with no delimiter after it. */
  private static ByteString errorChunk(GrpcStatus status) {
    return ByteString.fromString(GatewayJson.streamErrorChunk(status), StandardCharsets.UTF_8);
  }

  private static ByteString line(String json) {
    return ByteString.fromString(json + "\n", StandardCharsets.UTF_8);
  }

  private static HttpResponse chunked(int status, Source<ByteString, NotUsed> body) {
    return HttpResponse.create().withStatus(status)
        .withEntity(HttpEntities.createChunked(ContentTypes.APPLICATION_JSON, body));
  }

  private static HttpResponse json(int status, String body) {
    return HttpResponse.create().withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
  }

  /** A unary failure: grpc-gateway's error body with the HTTP status for its code. */
  static HttpResponse error(GrpcStatus status) {
    return json(HttpStatusMapping.fromGrpcCode(status.code()), GatewayJson.errorBody(status));
  }

  /** Go's http.Error, which grpc-gateway's mux uses for unknown paths and methods. */
  private static HttpResponse plainError(int status) {
    return HttpResponse.create().withStatus(StatusCodes.get(status))
        .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8,
            HttpStatusMapping.reasonPhrase(status) + "\n"));
  }

  private static boolean isGrpc(HttpRequest request) {
    return request.entity().getContentType().mediaType().toString().startsWith("application/grpc");
  }

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }

  /** Collects the RPCs of service implementations, keyed by gRPC method name. */
  public static final class Builder {
    private final Map<String, GatewayMethod> methods = new HashMap<>();
    private Function<io.akkaetcd.auth.Caller, CompletionStage<Void>> callerKnown =
        caller -> java.util.concurrent.CompletableFuture.completedFuture(null);

    /** What a call waits for before it runs, given its caller (the member applying a fresh token's entry). */
    public Builder callerKnown(Function<io.akkaetcd.auth.Caller, CompletionStage<Void>> wait) {
      this.callerKnown = wait;
      return this;
    }

    /** Serves every RPC that {@code serviceInterface} (an Akka gRPC generated interface) declares. */
    public <T> Builder service(Class<T> serviceInterface, T implementation) {
      for (Descriptors.MethodDescriptor rpc : ServiceReflection.describe(serviceInterface).getMethods()) {
        GatewayMethod.Kind kind = rpc.isClientStreaming() ? GatewayMethod.Kind.BIDI_STREAMING
            : rpc.isServerStreaming() ? GatewayMethod.Kind.SERVER_STREAMING : GatewayMethod.Kind.UNARY;
        methods.put(ServiceReflection.fullMethodName(rpc),
            GatewayMethod.of(kind, implementation, ServiceReflection.javaMethod(serviceInterface, rpc)));
      }
      return this;
    }

    public JsonGateway build(Function<HttpRequest, CompletionStage<HttpResponse>> fallback,
        Materializer materializer, int maxRequestBytes, long maxConcurrentStreams) {
      return new JsonGateway(methods, fallback, materializer, maxRequestBytes, maxConcurrentStreams, callerKnown);
    }
  }
}
