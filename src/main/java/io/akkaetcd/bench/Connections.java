package io.akkaetcd.bench;

import akka.actor.ActorSystem;
import akka.grpc.GrpcClientSettings;
import io.akkaetcd.client.StaticNameResolver;
import io.akkaetcd.api.KVClient;
import io.akkaetcd.api.LeaseClient;
import io.akkaetcd.api.MaintenanceClient;
import io.akkaetcd.api.StatusRequest;
import io.akkaetcd.api.StatusResponse;
import io.akkaetcd.api.WatchClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC connections: each Akka gRPC client instance owns one HTTP/2 channel, so {@code --conns}
 * clients of a service are {@code --conns} connections, assigned round-robin to the endpoints (or
 * all to the leader with {@code --target-leader}). Calls complete on the Netty event loop
 * ({@code directExecutor}): no thread-pool hand-off per response. grpc-java's transparent retry
 * (which buffers every request) is off: a benchmark counts failures, it does not hide them.
 */
public final class Connections {
  private final ActorSystem system;
  private final List<String> endpoints;
  private final List<Object> all = new ArrayList<>();
  /** Null: plaintext; else https, the server verified against the --cacert CA. */
  private final javax.net.ssl.X509TrustManager trust;
  private volatile String token;

  public Connections(ActorSystem system, List<String> endpoints) {
    this(system, endpoints, null);
  }

  public Connections(ActorSystem system, List<String> endpoints, String cacert) {
    this.system = system;
    this.endpoints = endpoints;
    this.trust = cacert == null ? null : trustManager(cacert);
  }

  /** A trust manager for the CA certificates in the PEM file {@code cacert}. */
  static javax.net.ssl.X509TrustManager trustManager(String cacert) {
    try {
      java.security.KeyStore store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
      store.load(null, null);
      int n = 0;
      for (java.security.cert.X509Certificate c : io.akkaetcd.tls.PemFiles.certificates(java.nio.file.Path.of(cacert))) {
        store.setCertificateEntry("ca" + n++, c);
      }
      javax.net.ssl.TrustManagerFactory f =
          javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      f.init(store);
      return (javax.net.ssl.X509TrustManager) f.getTrustManagers()[0];
    } catch (Exception e) {
      throw new IllegalArgumentException("--cacert " + cacert + ": " + e.getMessage(), e);
    }
  }

  /** An SSL context trusting the --cacert CA, or null for plaintext. */
  javax.net.ssl.SSLContext sslContext() throws java.security.GeneralSecurityException {
    if (trust == null) return null;
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
    return ctx;
  }

  /** Authenticates as "name:password" on the first endpoint; later connections send the token. */
  public void authenticate(String user) throws Exception {
    int colon = user.indexOf(':');
    io.akkaetcd.api.AuthClient auth = track(io.akkaetcd.api.AuthClient.create(settings(endpoints.get(0)), system));
    token = auth.authenticate(io.akkaetcd.api.AuthenticateRequest.newBuilder().setName(user.substring(0, colon))
        .setPassword(user.substring(colon + 1)).build()).toCompletableFuture().get(30, TimeUnit.SECONDS).getToken();
  }

  public List<String> endpoints() {
    return endpoints;
  }

  GrpcClientSettings settings(String endpoint) {
    String[] hp = Options.hostPort(endpoint);
    if (hp == null) throw new IllegalArgumentException("bad endpoint " + endpoint);
    int port = Integer.parseInt(hp[1]);
    StaticNameResolver resolver = new StaticNameResolver(hp[0], port);
    GrpcClientSettings s = GrpcClientSettings.connectToServiceAt(hp[0], port, system)
        .withTls(trust != null)
        .withChannelBuilderOverrides(b -> b.nameResolverFactory(resolver).directExecutor().disableRetry());
    if (trust != null) s = s.withTrustManager(trust);
    String t = token;
    if (t != null) s = s.withCallCredentials(new TokenCredentials(t));
    return s;
  }

  /** etcd's token metadata on every call, as clientv3's per-RPC credentials send it. */
  private static final class TokenCredentials extends io.grpc.CallCredentials {
    private static final io.grpc.Metadata.Key<String> TOKEN =
        io.grpc.Metadata.Key.of("token", io.grpc.Metadata.ASCII_STRING_MARSHALLER);
    private final String token;

    TokenCredentials(String token) {
      this.token = token;
    }

    @Override
    public void applyRequestMetadata(RequestInfo info, java.util.concurrent.Executor executor, MetadataApplier applier) {
      io.grpc.Metadata m = new io.grpc.Metadata();
      m.put(TOKEN, token);
      applier.apply(m);
    }

    @Override
    public void thisUsesUnstableApi() {}
  }

  public KVClient[] kv(int conns) {
    KVClient[] out = new KVClient[conns];
    for (int i = 0; i < conns; i++) out[i] = track(KVClient.create(settings(endpoints.get(i % endpoints.size())), system));
    return out;
  }

  public WatchClient[] watch(int conns) {
    WatchClient[] out = new WatchClient[conns];
    for (int i = 0; i < conns; i++) out[i] = track(WatchClient.create(settings(endpoints.get(i % endpoints.size())), system));
    return out;
  }

  public LeaseClient[] lease(int conns) {
    LeaseClient[] out = new LeaseClient[conns];
    for (int i = 0; i < conns; i++) out[i] = track(LeaseClient.create(settings(endpoints.get(i % endpoints.size())), system));
    return out;
  }

  private <T> T track(T c) {
    all.add(c);
    return c;
  }

  /**
   * The endpoint of the leader: asks every endpoint for Maintenance.Status and picks the one whose
   * member id is the leader they report. With one endpoint there is nothing to choose.
   */
  public static List<String> leaderOnly(ActorSystem system, List<String> endpoints) throws Exception {
    if (endpoints.size() <= 1) return endpoints;
    Connections tmp = new Connections(system, endpoints);
    long leader = 0;
    String found = null;
    List<String> errs = new ArrayList<>();
    for (String e : endpoints) {
      MaintenanceClient m = MaintenanceClient.create(tmp.settings(e).withDeadline(java.time.Duration.ofSeconds(5)), system);
      try {
        StatusResponse s = m.status(StatusRequest.getDefaultInstance()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (s.getLeader() != 0) leader = s.getLeader();
        if (s.getLeader() != 0 && s.getLeader() == s.getHeader().getMemberId()) found = e;
      } catch (Exception ex) {
        errs.add(e + ": " + Stats.describe(ex));
      } finally {
        m.close();
      }
    }
    if (found == null)
      throw new IllegalStateException(
          "--target-leader: no endpoint is the leader (leader id " + Long.toHexString(leader) + ") " + errs);
    System.err.println("target-leader: using " + found + " (member " + Long.toHexString(leader) + ")");
    return List.of(found);
  }

  public void closeAll() {
    for (Object c : all) {
      try {
        if (c instanceof akka.grpc.javadsl.AkkaGrpcClient a) a.close().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // shutting down anyway
      }
    }
  }
}
