package io.akkaetcd.discovery;

import akka.actor.ActorSystem;
import akka.grpc.GrpcClientSettings;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.SinkQueueWithCancel;
import akka.stream.javadsl.Source;
import com.google.protobuf.ByteString;
import io.akkaetcd.api.AuthClient;
import io.akkaetcd.api.AuthenticateRequest;
import io.akkaetcd.api.KVClient;
import io.akkaetcd.api.KeyValue;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RangeResponse;
import io.akkaetcd.api.WatchClient;
import io.akkaetcd.api.WatchCreateRequest;
import io.akkaetcd.api.WatchRequest;
import io.akkaetcd.api.WatchResponse;
import io.akkaetcd.client.StaticNameResolver;
import io.akkaetcd.tls.PemFiles;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The discovery cluster of {@link V3Discovery} through this project's generated Akka gRPC clients (KV,
 * Watch, Auth), as etcd's clientv3 reaches it: the endpoints tried in order (pick-first), keepalive
 * pings at {@code --discovery-keepalive-time}, each request bounded by {@code --discovery-request-timeout},
 * TLS from the {@code --discovery-cert/key/cacert} PEM files, and with {@code --discovery-user} a token
 * from Authenticate (bounded by {@code --discovery-dial-timeout}, as clientv3.New's getToken is) sent
 * with every call. A watch has no deadline.
 */
final class GrpcDiscoveryRegistry implements V3Discovery.Registry, AutoCloseable {
  private final ActorSystem system;
  private final KVClient kv;
  private final WatchClient watch;
  private final Duration requestTimeout;
  private final String authToken;

  private GrpcDiscoveryRegistry(ActorSystem system, GrpcClientSettings settings, Duration requestTimeout, String authToken) {
    this.system = system;
    this.kv = KVClient.create(settings.withDeadline(requestTimeout), system);
    this.watch = WatchClient.create(settings, system);
    this.requestTimeout = requestTimeout;
    this.authToken = authToken;
  }

  /** Connects; fails (not retried, as clientv3.New's failure is not) on bad TLS files or a failed Authenticate. */
  static GrpcDiscoveryRegistry connect(ActorSystem system, V3DiscoverySettings s) throws DiscoveryException {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (String e : s.endpoints()) addresses.add(address(e.strip()));
    SslContext ssl = s.tls() ? sslContext(s) : null;
    InetSocketAddress first = addresses.get(0);
    GrpcClientSettings settings = GrpcClientSettings.connectToServiceAt(first.getHostString(), first.getPort(), system)
        .withTls(false)
        .withChannelBuilderOverrides(b -> {
          b.nameResolverFactory(new StaticNameResolver(addresses))
              .keepAliveTime(s.keepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
              .keepAliveTimeout(s.keepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
              .keepAliveWithoutCalls(true);
          if (ssl != null) b.useTransportSecurity().sslContext(ssl);
          return b;
        });
    String token = "";
    if (!s.user().isEmpty()) {
      AuthClient auth = AuthClient.create(settings.withDeadline(s.dialTimeout()), system);
      try {
        token = await(auth.authenticate(AuthenticateRequest.newBuilder().setName(s.user()).setPassword(s.password()).build()),
            s.dialTimeout()).getToken();
      } catch (V3Discovery.Unavailable e) {
        throw new DiscoveryException(e.getMessage());
      } finally {
        auth.close();
      }
    }
    return new GrpcDiscoveryRegistry(system, settings, s.requestTimeout(), token);
  }

  /** An endpoint as clientv3 takes it: {@code host:port} or a URL. */
  private static InetSocketAddress address(String endpoint) throws DiscoveryException {
    String hostPort = endpoint.contains("://") ? endpoint.substring(endpoint.indexOf("://") + 3) : endpoint;
    try {
      URI u = new URI("tcp://" + hostPort);
      if (u.getHost() == null || u.getPort() < 0) throw new DiscoveryException("invalid discovery endpoint " + endpoint);
      // resolved now, as clientv3 dials resolved addresses: grpc-netty takes no unresolved one
      return new InetSocketAddress(u.getHost(), u.getPort());
    } catch (java.net.URISyntaxException e) {
      throw new DiscoveryException("invalid discovery endpoint " + endpoint);
    }
  }

  private static SslContext sslContext(V3DiscoverySettings s) throws DiscoveryException {
    try {
      SslContextBuilder b = GrpcSslContexts.forClient();
      if (s.insecureSkipVerify()) {
        b.trustManager(InsecureTrustManagerFactory.INSTANCE);
      } else if (!s.cacert().isEmpty()) {
        b.trustManager(PemFiles.certificates(Path.of(s.cacert())).toArray(new X509Certificate[0]));
      }
      if (!s.cert().isEmpty() || !s.key().isEmpty()) {
        b.keyManager(PemFiles.privateKey(Path.of(s.key())),
            PemFiles.certificates(Path.of(s.cert())).toArray(new X509Certificate[0]));
      }
      return b.build();
    } catch (PemFiles.BadPemException | java.io.IOException e) {
      throw new DiscoveryException(e.getMessage());
    }
  }

  @Override
  public Optional<String> get(String key) throws V3Discovery.Unavailable {
    RangeResponse r = await(withToken(kv.range()).invoke(RangeRequest.newBuilder().setKey(bytes(key)).build()), requestTimeout);
    return r.getKvsCount() == 0 ? Optional.empty() : Optional.of(r.getKvs(0).getValue().toStringUtf8());
  }

  @Override
  public V3Discovery.Listing getPrefix(String prefix) throws V3Discovery.Unavailable {
    RangeResponse r = await(withToken(kv.range()).invoke(RangeRequest.newBuilder().setKey(bytes(prefix))
        .setRangeEnd(prefixEnd(prefix)).build()), requestTimeout);
    List<V3Discovery.Entry> out = new ArrayList<>();
    for (KeyValue e : r.getKvsList()) out.add(entry(e));
    return new V3Discovery.Listing(out, r.getHeader().getRevision());
  }

  @Override
  public void put(String key, String value) throws V3Discovery.Unavailable {
    await(withToken(kv.put()).invoke(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build()), requestTimeout);
  }

  @Override
  public V3Discovery.Watch watch(String prefix, long fromRevision) throws V3Discovery.Unavailable {
    WatchRequest create = WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
        .setKey(bytes(prefix)).setRangeEnd(prefixEnd(prefix)).setStartRevision(fromRevision)).build();
    // the request stream stays open (a half-closed stream may end the watch) until the queue is cancelled
    Source<WatchRequest, akka.NotUsed> requests = Source.single(create).concat(Source.never());
    var call = watch.watch();
    if (!authToken.isEmpty()) call = call.addHeader("token", authToken);
    SinkQueueWithCancel<WatchResponse> queue = call.invoke(requests).runWith(Sink.queue(), system);
    return new V3Discovery.Watch() {
      @Override
      public List<V3Discovery.Entry> next() throws V3Discovery.Unavailable, InterruptedException {
        Optional<WatchResponse> r;
        try {
          r = queue.pull().toCompletableFuture().get();
        } catch (ExecutionException e) {
          throw new V3Discovery.Unavailable(describe(e.getCause()));
        }
        if (r.isEmpty()) throw new V3Discovery.Unavailable("watch stream closed");
        WatchResponse w = r.get();
        if (w.getCanceled()) {
          throw new V3Discovery.Unavailable("watch canceled: " + w.getCancelReason()
              + (w.getCompactRevision() > 0 ? " (compacted at " + w.getCompactRevision() + ")" : ""));
        }
        List<V3Discovery.Entry> out = new ArrayList<>();
        for (io.akkaetcd.api.Event ev : w.getEventsList()) out.add(entry(ev.getKv()));
        return out;
      }

      @Override
      public void close() {
        queue.cancel();
      }
    };
  }

  private <Q, R> akka.grpc.javadsl.SingleResponseRequestBuilder<Q, R> withToken(akka.grpc.javadsl.SingleResponseRequestBuilder<Q, R> b) {
    return authToken.isEmpty() ? b : b.addHeader("token", authToken);
  }

  private static V3Discovery.Entry entry(KeyValue kv) {
    return new V3Discovery.Entry(kv.getKey().toStringUtf8(), kv.getValue().toStringUtf8(), kv.getCreateRevision());
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  /** clientv3.GetPrefixRangeEnd: the key with its last byte below 0xff incremented, the rest dropped. */
  static ByteString prefixEnd(String prefix) {
    byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xff) {
        end[i]++;
        return ByteString.copyFrom(end, 0, i + 1);
      }
    }
    return ByteString.copyFrom(new byte[] {0});
  }

  private static <T> T await(CompletionStage<T> call, Duration timeout) throws V3Discovery.Unavailable {
    try {
      // the call's own deadline ends it first; this bounds a call that never started
      return call.toCompletableFuture().get(timeout.toNanos() + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new V3Discovery.Unavailable("context deadline exceeded");
    } catch (ExecutionException e) {
      throw new V3Discovery.Unavailable(describe(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new V3Discovery.Unavailable("interrupted");
    }
  }

  /** A gRPC failure as grpc-go words it: {@code rpc error: code = X desc = Y}. */
  private static String describe(Throwable t) {
    if (t instanceof io.grpc.StatusRuntimeException s) {
      return "rpc error: code = " + goCode(s.getStatus().getCode()) + " desc = " + s.getStatus().getDescription();
    }
    return String.valueOf(t.getMessage());
  }

  private static String goCode(io.grpc.Status.Code c) {
    StringBuilder b = new StringBuilder();
    for (String part : c.name().split("_")) b.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
    return b.toString();
  }

  @Override
  public void close() {
    kv.close();
    watch.close();
  }
}
