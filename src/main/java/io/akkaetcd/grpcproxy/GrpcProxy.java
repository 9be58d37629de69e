package io.akkaetcd.grpcproxy;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.ConnectionContext;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.ServerBuilder;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.stream.Materializer;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.akkaetcd.api.Election;
import io.akkaetcd.api.ElectionPowerApi;
import io.akkaetcd.api.ElectionPowerApiHandlerFactory;
import io.akkaetcd.api.Lease;
import io.akkaetcd.api.LeasePowerApi;
import io.akkaetcd.api.LeasePowerApiHandlerFactory;
import io.akkaetcd.api.Maintenance;
import io.akkaetcd.api.MaintenancePowerApi;
import io.akkaetcd.api.MaintenancePowerApiHandlerFactory;
import io.akkaetcd.api.Watch;
import io.akkaetcd.api.WatchPowerApi;
import io.akkaetcd.api.WatchPowerApiHandlerFactory;
import io.akkaetcd.config.EtcdConfigException;
import io.akkaetcd.grpc.StreamingGrpcHandlers;
import io.akkaetcd.grpc.UnaryGrpcHandler;
import io.akkaetcd.metrics.GrpcServerMetrics;
import io.akkaetcd.tls.DialerTls;
import io.akkaetcd.tls.KeyMaterial;
import io.akkaetcd.tls.PemFiles;
import io.akkaetcd.tls.SelfSignedCert;
import io.akkaetcd.tls.TlsOptions;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code etcd grpc-proxy start}: a stateless gRPC proxy in front of the {@code --endpoints} cluster, as
 * etcd 3.4's. Its own actor system (local, no persistence, no cluster), one listener on
 * {@code --listen-addr} serving etcd's eight gRPC services ({@link ProxyServices}) with /health and
 * /metrics beside them ({@link ProxyHttp}), TLS from {@code --cert-file}/{@code --key-file} or
 * {@code --auto-tls}, and optionally a {@code --metrics-addr} listener. The proxy keeps no data: every
 * call goes to a member.
 */
public final class GrpcProxy implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GrpcProxy.class);
  /** grpc-go's default MaxRecvMsgSize, which etcd's proxy server keeps. */
  private static final int MAX_RECEIVE_BYTES = 4 * 1024 * 1024;

  private final ActorSystem<Void> system;
  private final Upstream upstream;
  private final ProxyMembers members;
  private final List<ServerBinding> bindings;

  private GrpcProxy(ActorSystem<Void> system, Upstream upstream, ProxyMembers members, List<ServerBinding> bindings) {
    this.system = system;
    this.upstream = upstream;
    this.members = members;
    this.bindings = bindings;
  }

  /**
   * Checks the TLS settings and starts serving; etcd's messages for what it refuses (exit 1).
   *
   * @throws EtcdConfigException for a key pair, CA or certificate etcd would refuse, or an address in use
   */
  public static GrpcProxy start(ProxyOptions o) {
    Optional<KeyMaterial> serving = servingTls(o);
    Optional<SSLContext> dialing = Optional.empty();
    if (o.upstreamTls()) {
      try {
        dialing = Optional.of(DialerTls.context(o.cert(), o.key(), o.cacert(), o.insecureSkipTlsVerify(), true));
      } catch (PemFiles.BadPemException e) {
        throw new EtcdConfigException(e.getMessage());
      }
      if (o.insecureSkipTlsVerify()) {
        log.warn("--insecure-skip-tls-verify was given, this grpc proxy process skips authentication of etcd "
            + "server TLS certificates. This option should be enabled only for testing purposes.");
      }
      log.info("gRPC proxy client TLS tls-info=\"cert = {}, key = {}, trusted-ca = {}\"", o.cert(), o.key(), o.cacert());
    }
    for (String endpoint : o.endpoints()) {
      try {
        Upstream.address(endpoint);
      } catch (IllegalArgumentException e) {
        throw new EtcdConfigException(e.getMessage());
      }
    }
    Config config = ConfigFactory.load();
    // Akka HTTP splits each connection's buffer among its streams, so it cannot take etcd's "no limit"
    // (math.MaxUint32): the proxy keeps Akka's bound (256, as a member does) and applies smaller ones.
    int akkaStreams = config.getInt("akka.http.server.http2.max-concurrent-streams");
    if (o.maxConcurrentStreams() > 0 && o.maxConcurrentStreams() < akkaStreams) {
      config = config.withValue("akka.http.server.http2.max-concurrent-streams",
          ConfigValueFactory.fromAnyRef((int) o.maxConcurrentStreams()));
    } else if (o.maxConcurrentStreams() != 4294967295L) {
      log.warn("--max-concurrent-streams {} is above what a listener takes here; each client connection may open {}",
          o.maxConcurrentStreams(), akkaStreams);
    }
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "grpc-proxy", config);
    Upstream upstream = Upstream.connect(o, dialing, system);
    Namespace namespace = new Namespace(o.namespace());
    ProxyMembers members = new ProxyMembers(upstream, namespace, o);
    List<ServerBinding> bindings = new ArrayList<>();
    GrpcProxy proxy = new GrpcProxy(system, upstream, members, bindings);
    try {
      bindings.add(bind(system, o.listen(), serving, handler(system, upstream, namespace, members, dialing, serving.isPresent())));
      log.info("listening for gRPC proxy client requests address={}", o.listen().getHostString() + ":" + o.listen().getPort());
      if (!o.metricsAddr().isEmpty()) {
        URI url = URI.create(o.metricsAddr());
        boolean https = "https".equals(url.getScheme());
        if (https && serving.isEmpty()) {
          throw new EtcdConfigException("cannot listen on TLS for " + url.getAuthority() + ": KeyFile and CertFile are not presented");
        }
        ProxyHttp http = new ProxyHttp(system, upstream, dialing, https);
        bindings.add(bind(system, new InetSocketAddress(url.getHost(), url.getPort()), https ? serving : Optional.empty(), http));
        log.info("gRPC proxy listening for metrics address={}", url);
      }
    } catch (RuntimeException e) {
      proxy.close();
      throw e;
    }
    members.register(system);
    log.info("started gRPC proxy address={}", o.listen().getHostString() + ":" + o.listen().getPort());
    return proxy;
  }

  /** etcd's newTLS over --trusted-ca-file, --cert-file, --key-file, or --auto-tls when none is given. */
  private static Optional<KeyMaterial> servingTls(ProxyOptions o) {
    if (!o.servesTls()) {
      if (!o.listenCipherSuites().isEmpty()) {
        // etcd 3.4.23 dereferences its nil TLS info here and panics; there is no TLS listener to restrict
        log.warn("--listen-cipher-suites is ignored: the proxy serves no TLS (no --cert-file/--key-file or --auto-tls)");
      }
      return Optional.empty();
    }
    TlsOptions tls = new TlsOptions(o.certFile(), o.keyFile(), o.trustedCaFile(), false, o.clientCrlFile(), "", "",
        o.listenCipherSuites(), false);
    if (o.certFile().isEmpty() && o.keyFile().isEmpty() && o.trustedCaFile().isEmpty() && o.autoTls()) {
      try {
        String host = o.listen().getHostString() + ":" + o.listen().getPort();
        Path[] pair = SelfSignedCert.ensure(Path.of(o.dataDir(), "fixtures", "proxy"),
            List.of(URI.create("https://" + host)), 1, false);
        tls = tls.withKeyPair(pair[0].toString(), pair[1].toString(), true);
      } catch (IOException e) {
        throw new EtcdConfigException(e.getMessage());
      }
    }
    String host = o.listen().getHostString() + ":" + o.listen().getPort();
    if (tls.empty()) {
      throw new EtcdConfigException("failed to create TLS listener: cannot listen on TLS for " + host
          + ": KeyFile and CertFile are not presented");
    }
    if (tls.certFile().isEmpty() || tls.keyFile().isEmpty()) {
      throw new EtcdConfigException("failed to create TLS listener: KeyFile and CertFile must both be present[key: "
          + tls.keyFile() + ", cert: " + tls.certFile() + "]");
    }
    try {
      KeyMaterial material = KeyMaterial.load(tls);
      log.info("gRPC proxy server TLS tls-info=\"cert = {}, key = {}, trusted-ca = {}, crl-file = {}\"",
          tls.certFile(), tls.keyFile(), tls.trustedCaFile(), tls.crlFile());
      return Optional.of(material);
    } catch (PemFiles.BadPemException e) {
      throw new EtcdConfigException("failed to create TLS listener: " + e.getMessage());
    }
  }

  private static Function<HttpRequest, CompletionStage<HttpResponse>> handler(ActorSystem<?> system, Upstream upstream,
      Namespace namespace, ProxyMembers members, Optional<SSLContext> dialing, boolean listenerTls) {
    Materializer materializer = Materializer.matFromSystem(system);
    ProxyServices services = new ProxyServices(upstream, namespace, members);
    StreamingGrpcHandlers streaming = StreamingGrpcHandlers.builder()
        .service(Watch.name, WatchPowerApiHandlerFactory.partial(services.streaming(WatchPowerApi.class, Watch.class),
            Watch.name, materializer, StreamingGrpcHandlers.errors(), system))
        .service(Lease.name, LeasePowerApiHandlerFactory.partial(services.streaming(LeasePowerApi.class, Lease.class),
            Lease.name, materializer, StreamingGrpcHandlers.errors(), system))
        .service(Maintenance.name, MaintenancePowerApiHandlerFactory.partial(
            services.streaming(MaintenancePowerApi.class, Maintenance.class), Maintenance.name, materializer,
            StreamingGrpcHandlers.errors(), system))
        .service(Election.name, ElectionPowerApiHandlerFactory.partial(
            services.streaming(ElectionPowerApi.class, Election.class), Election.name, materializer,
            StreamingGrpcHandlers.errors(), system))
        .build(new ProxyHttp(system, upstream, dialing, listenerTls));
    // the proxy's gRPC series are counted but, as etcd's, /metrics shows a member's
    return services.registerUnary(UnaryGrpcHandler.builder())
        .build(streaming, materializer, MAX_RECEIVE_BYTES, GrpcServerMetrics.on(new PrometheusRegistry()));
  }

  private static ServerBinding bind(ActorSystem<?> system, InetSocketAddress address, Optional<KeyMaterial> tls,
      Function<HttpRequest, CompletionStage<HttpResponse>> handler) {
    ServerBuilder builder = Http.get(system).newServerAt(address.getHostString(), address.getPort());
    if (tls.isPresent()) {
      KeyMaterial material = tls.get();
      builder = builder.enableHttps(ConnectionContext.httpsServer(() -> material.serverEngine(KeyMaterial.TLS_1_2)));
    }
    try {
      return builder.bind(handler::apply).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new EtcdConfigException("listen tcp " + address.getHostString() + ":" + address.getPort() + ": "
          + (e.getCause() instanceof akka.stream.StreamTcpException t && t.getCause() != null
              ? "bind: " + t.getCause().getMessage().replaceFirst("^\\[[^]]*] ", "").toLowerCase(java.util.Locale.ROOT) : String.valueOf(e.getCause())));
    } catch (Exception e) {
      throw new EtcdConfigException("listen tcp " + address + ": " + e);
    }
  }

  /** The port the gRPC listener is bound to (for tests that ask for port 0). */
  public int port() {
    return bindings.get(0).localAddress().getPort();
  }

  @Override
  public void close() {
    members.close();
    for (ServerBinding b : bindings) {
      try {
        b.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        // stopping anyway
      }
    }
    upstream.close();
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // stopping anyway
    }
  }
}
