package io.akkaetcd.grpcproxy;

import akka.actor.ClassicActorSystemProvider;
import akka.grpc.GrpcClientSettings;
import akka.grpc.javadsl.AkkaGrpcClient;
import akka.grpc.javadsl.SingleResponseRequestBuilder;
import akka.grpc.javadsl.StreamResponseRequestBuilder;
import com.google.protobuf.Message;
import io.akkaetcd.api.Auth;
import io.akkaetcd.api.AuthClient;
import io.akkaetcd.api.Cluster;
import io.akkaetcd.api.ClusterClient;
import io.akkaetcd.api.Election;
import io.akkaetcd.api.ElectionClient;
import io.akkaetcd.api.KV;
import io.akkaetcd.api.KVClient;
import io.akkaetcd.api.Lease;
import io.akkaetcd.api.LeaseClient;
import io.akkaetcd.api.Lock;
import io.akkaetcd.api.LockClient;
import io.akkaetcd.api.Maintenance;
import io.akkaetcd.api.MaintenanceClient;
import io.akkaetcd.api.Watch;
import io.akkaetcd.api.WatchClient;
import io.akkaetcd.client.StaticNameResolver;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLContext;

/**
 * The cluster behind the proxy: the generated Akka gRPC client of each of etcd's eight services, each
 * over a grpc-java channel to every {@code --endpoints} member with the {@code round_robin} policy
 * (as clientv3 3.4's balancer: each call goes to the next member that is connected, so one that is
 * down or restarting is skipped and tried again in the background). The channels retry connecting
 * forever: a proxy started before its cluster serves once the cluster is up.
 *
 * <p>Every call carries the client's {@code token} metadata, as etcd's proxy interceptors pass it on,
 * and refuses a request larger than {@code --max-send-bytes} with grpc-go's client-side error.
 */
final class Upstream implements AutoCloseable {
  private final Map<Class<?>, AkkaGrpcClient> clients = new LinkedHashMap<>();
  private final int maxSendBytes;
  private final List<String> endpoints;

  private Upstream(List<String> endpoints, int maxSendBytes) {
    this.endpoints = List.copyOf(endpoints);
    this.maxSendBytes = maxSendBytes;
  }

  static Upstream connect(ProxyOptions options, Optional<SSLContext> tls, ClassicActorSystemProvider system) {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (String endpoint : options.endpoints()) addresses.add(address(endpoint));
    InetSocketAddress first = addresses.get(0);
    GrpcClientSettings settings = GrpcClientSettings.connectToServiceAt(first.getHostString(), first.getPort(), system)
        .withTls(tls.isPresent())
        .withLoadBalancingPolicy("round_robin")
        .withConnectionAttempts(-1)
        .withChannelBuilderOverrides(b -> b.nameResolverFactory(new StaticNameResolver(addresses))
            .maxInboundMessageSize(options.maxRecvBytes()));
    if (tls.isPresent()) settings = settings.withSslContext(tls.get());
    Upstream u = new Upstream(options.endpoints(), options.maxSendBytes());
    u.clients.put(KV.class, KVClient.create(settings, system));
    u.clients.put(Watch.class, WatchClient.create(settings, system));
    u.clients.put(Lease.class, LeaseClient.create(settings, system));
    u.clients.put(Cluster.class, ClusterClient.create(settings, system));
    u.clients.put(Maintenance.class, MaintenanceClient.create(settings, system));
    u.clients.put(Auth.class, AuthClient.create(settings, system));
    u.clients.put(Lock.class, LockClient.create(settings, system));
    u.clients.put(Election.class, ElectionClient.create(settings, system));
    return u;
  }

  /** host:port of an endpoint given as host:port or as a URL, as clientv3 dials it. */
  static InetSocketAddress address(String endpoint) {
    String hostPort = endpoint;
    if (endpoint.contains("://")) {
      URI uri = URI.create(endpoint);
      hostPort = uri.getAuthority() == null ? "" : uri.getAuthority();
    }
    int colon = hostPort.lastIndexOf(':');
    String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    int port = 2379;
    if (colon >= 0) {
      try {
        port = Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid endpoint " + endpoint);
      }
    }
    if (host.isEmpty() || port < 0 || port > 65535) throw new IllegalArgumentException("invalid endpoint " + endpoint);
    return new InetSocketAddress(host, port);
  }

  List<String> endpoints() {
    return endpoints;
  }

  KVClient kv() {
    return (KVClient) clients.get(KV.class);
  }

  LeaseClient lease() {
    return (LeaseClient) clients.get(Lease.class);
  }

  ClusterClient cluster() {
    return (ClusterClient) clients.get(Cluster.class);
  }

  /** The generated client of {@code service} (an interface such as {@code KV.class}). */
  Object client(Class<?> service) {
    return clients.get(service);
  }

  /** A unary call with the caller's token, or grpc-go's refusal of a request over --max-send-bytes. */
  <Q extends Message, R> CompletionStage<R> call(SingleResponseRequestBuilder<Q, R> builder, Q request, String token) {
    int size = request.getSerializedSize();
    if (size > maxSendBytes) return CompletableFuture.failedFuture(tooLarge(size));
    return (token == null ? builder : builder.addHeader("token", token)).invoke(request);
  }

  /** A streaming call's builder with the caller's token. */
  <Q, R> StreamResponseRequestBuilder<Q, R> stream(StreamResponseRequestBuilder<Q, R> builder, String token) {
    return token == null ? builder : builder.addHeader("token", token);
  }

  /** grpc-go's client refusing to send a message over its MaxCallSendMsgSize. */
  io.grpc.StatusRuntimeException tooLarge(int size) {
    return Status.RESOURCE_EXHAUSTED.withDescription(
        "grpc: trying to send message larger than max (" + size + " vs. " + maxSendBytes + ")").asRuntimeException();
  }

  int maxSendBytes() {
    return maxSendBytes;
  }

  @Override
  public void close() {
    for (AkkaGrpcClient c : clients.values()) c.close();
  }
}
