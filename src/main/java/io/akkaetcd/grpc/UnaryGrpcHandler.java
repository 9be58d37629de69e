package io.akkaetcd.grpc;

import akka.http.javadsl.model.AttributeKeys;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.Trailer;
import akka.http.javadsl.model.headers.RawHeader;
import akka.stream.Materializer;
import akka.util.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.concurrent.DirectFutures;
import io.akkaetcd.auth.Caller;
import io.akkaetcd.metrics.GrpcServerMetrics;
import io.grpc.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Serves unary gRPC calls straight off Akka HTTP's strict request entities: skip the 5-byte frame
 * header, parse, call the service, answer with one strict body and a grpc-status trailer. Measured
 * here (ETCD-FACTS.md), the handler Akka gRPC generates costs ~280 µs of CPU per unary call because it
 * runs a stream per call; this path costs ~22 µs. Streaming calls, and paths it does not know, go to
 * {@code fallback} (the generated handlers).
 */
public final class UnaryGrpcHandler implements Function<HttpRequest, CompletionStage<HttpResponse>> {
  static final ContentType GRPC =
      ContentTypes.create(MediaTypes.customBinary("application", "grpc", false));
  private static final Trailer OK_TRAILER = Trailer.create().addHeader(RawHeader.create("grpc-status", "0"));
  private static final long STRICT_TIMEOUT_MS = 10_000;

  private final Map<String, UnaryMethod> methods;
  private final Function<HttpRequest, CompletionStage<HttpResponse>> fallback;
  private final Materializer materializer;
  private final int maxRequestBytes;
  private final GrpcServerMetrics metrics;
  /** The verified client certificate's Common Name of a request, or null. */
  private final Function<HttpRequest, String> certificateCommonName;
  private final Function<Caller, CompletionStage<Void>> callerKnown;
  private static final CompletionStage<Void> DONE = java.util.concurrent.CompletableFuture.completedFuture(null);

  private UnaryGrpcHandler(Map<String, UnaryMethod> methods,
      Function<HttpRequest, CompletionStage<HttpResponse>> fallback, Materializer materializer,
      int maxRequestBytes, GrpcServerMetrics metrics, Function<HttpRequest, String> certificateCommonName,
      Function<Caller, CompletionStage<Void>> callerKnown) {
    this.callerKnown = callerKnown;
    this.certificateCommonName = certificateCommonName;
    this.methods = Map.copyOf(methods);
    this.fallback = fallback;
    this.materializer = materializer;
    this.maxRequestBytes = maxRequestBytes;
    this.metrics = metrics;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public CompletionStage<HttpResponse> apply(HttpRequest request) {
    UnaryMethod method = methods.get(request.getUri().path());
    if (method == null) {
      return fallback.apply(request);
    }
    GrpcServerMetrics.Call call = metrics.start("unary", request.getUri().path().substring(1));
    call.received();
    HttpEntity entity = request.entity();
    CompletionStage<HttpResponse> response = entity instanceof HttpEntity.Strict strict
        ? handle(method, strict.getData(), request)
        : DirectFutures.direct(entity.toStrict(STRICT_TIMEOUT_MS, materializer))
            .thenCompose(strict -> handle(method, strict.getData(), request));
    return response.thenApply(r -> {
      int code = r.getHeader("grpc-status").map(h -> Integer.parseInt(h.value())).orElse(0);
      call.handled(code);
      if (code == 0) {
        call.sent();
      }
      return r;
    });
  }

  private CompletionStage<HttpResponse> handle(UnaryMethod method, ByteString body, HttpRequest request) {
    if (body.length() < 5) {
      return done(error(GrpcStatus.of(Status.Code.INTERNAL, "malformed gRPC frame")));
    }
    if (body.apply(0) != 0) {
      return done(error(GrpcStatus.of(Status.Code.UNIMPLEMENTED, "message compression is not supported")));
    }
    int length = ((body.apply(1) & 0xff) << 24) | ((body.apply(2) & 0xff) << 16)
        | ((body.apply(3) & 0xff) << 8) | (body.apply(4) & 0xff);
    if (length > maxRequestBytes) {
      return done(error(GrpcStatus.of(EtcdError.REQUEST_TOO_LARGE)));
    }
    Message parsed;
    try {
      parsed = parse(method.parser(), body.slice(5, 5 + length));
    } catch (InvalidProtocolBufferException e) {
      return done(error(GrpcStatus.of(Status.Code.INTERNAL, "grpc: error unmarshalling request: " + e.getMessage())));
    }
    Caller caller = callerOf(request, certificateCommonName);
    CompletionStage<Message> reply = callerKnown.apply(caller)
        .thenCompose(known -> method.call(parsed, caller).thenApply(r -> (Message) r));
    Optional<Long> deadlineNanos = GrpcTimeout.parse(request);
    if (deadlineNanos.isPresent()) {
      reply = reply.toCompletableFuture().orTimeout(deadlineNanos.get(), TimeUnit.NANOSECONDS);
    }
    return reply.handle((response, failure) -> failure == null
        ? ok(response)
        : error(GrpcTimeout.isTimeout(failure) && deadlineNanos.isPresent()
            ? GrpcStatus.of(Status.Code.DEADLINE_EXCEEDED, "context deadline exceeded")
            : GrpcStatus.fromThrowable(failure)));
  }

  /** The token grpc-go sends as metadata "token" (the JSON gateway's "authorization" is the same token). */
  public static Caller callerOf(HttpRequest request, Function<HttpRequest, String> certificateCommonName) {
    Optional<akka.http.javadsl.model.HttpHeader> token = request.getHeader("token");
    if (token.isEmpty()) {
      token = request.getHeader("authorization");
    }
    String commonName = certificateCommonName.apply(request);
    if (token.isEmpty() && commonName == null) {
      return Caller.ANONYMOUS;
    }
    return new Caller(token.map(akka.http.javadsl.model.HttpHeader::value).orElse(null), commonName);
  }

  private static Message parse(Parser<? extends Message> parser, ByteString bytes)
      throws InvalidProtocolBufferException {
    return bytes.isCompact() && bytes.length() > 0
        ? parser.parseFrom(bytes.asByteBuffer())
        : parser.parseFrom(bytes.toArray());
  }

  static HttpResponse ok(Message message) {
    int size = message.getSerializedSize();
    byte[] frame = new byte[5 + size];
    frame[1] = (byte) (size >>> 24);
    frame[2] = (byte) (size >>> 16);
    frame[3] = (byte) (size >>> 8);
    frame[4] = (byte) size;
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(frame, 5, size);
      message.writeTo(out);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HttpResponse.create()
        .withEntity(HttpEntities.create(GRPC, frame))
        .addAttribute(AttributeKeys.trailer, OK_TRAILER);
  }

  /** A "trailers-only" response: the status travels in the headers and the stream ends there. */
  public static HttpResponse error(GrpcStatus status) {
    return HttpResponse.create()
        .withEntity(HttpEntities.create(GRPC, new byte[0]))
        .addHeader(RawHeader.create("grpc-status", Integer.toString(status.code())))
        .addHeader(RawHeader.create("grpc-message", status.encodedMessage()));
  }

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }

  /** What answers a unary RPC: its parsed request and who calls, in; the reply (or a failure), out. */
  @FunctionalInterface
  public interface Invoker {
    CompletionStage<? extends Message> call(Message request, Caller caller);
  }

  /** Collects the unary RPCs of service implementations, keyed by gRPC path. */
  public static final class Builder {
    private final Map<String, UnaryMethod> methods = new HashMap<>();
    private Function<HttpRequest, String> certificateCommonName = request -> null;
    private Function<Caller, CompletionStage<Void>> callerKnown = caller -> DONE;

    /** What a call waits for before it runs, given its caller (the member applying a fresh token's entry). */
    public Builder callerKnown(Function<Caller, CompletionStage<Void>> wait) {
      this.callerKnown = wait;
      return this;
    }

    /** How to read a request's verified client certificate Common Name (null: none). */
    public Builder certificateCommonName(Function<HttpRequest, String> commonName) {
      this.certificateCommonName = commonName;
      return this;
    }

    /**
     * Registers every unary RPC that {@code serviceInterface} (an Akka gRPC generated interface, such
     * as {@code KV}) declares, served by {@code implementation}.
     */
    public <T> Builder service(Class<T> serviceInterface, T implementation) {
      for (Descriptors.MethodDescriptor rpc : ServiceReflection.describe(serviceInterface).getMethods()) {
        if (rpc.isClientStreaming() || rpc.isServerStreaming()) {
          continue;
        }
        Method javaMethod = ServiceReflection.javaMethod(serviceInterface, rpc);
        Method withCaller = ServiceReflection.withCaller(implementation.getClass(), javaMethod);
        methods.put("/" + ServiceReflection.fullMethodName(rpc),
            UnaryMethod.reflective(parserOf(javaMethod.getParameterTypes()[0]), implementation,
                withCaller != null ? withCaller : javaMethod, withCaller != null));
      }
      return this;
    }

    /** Serves the unary RPC at gRPC path {@code path} ("/etcdserverpb.KV/Range") with {@code invoker}. */
    public Builder method(String path, Parser<? extends Message> parser, Invoker invoker) {
      methods.put(path, new UnaryMethod(parser, invoker));
      return this;
    }

    public UnaryGrpcHandler build(Function<HttpRequest, CompletionStage<HttpResponse>> fallback,
        Materializer materializer, int maxRequestBytes, GrpcServerMetrics metrics) {
      return new UnaryGrpcHandler(methods, fallback, materializer, maxRequestBytes, metrics, certificateCommonName,
          callerKnown);
    }

    @SuppressWarnings("unchecked")
    public static Parser<? extends Message> parserOf(Class<?> messageClass) {
      try {
        return (Parser<? extends Message>) messageClass.getMethod("parser").invoke(null);
      } catch (ReflectiveOperationException e) {
        throw new IllegalArgumentException(messageClass + " is not a protobuf message", e);
      }
    }
  }
}
