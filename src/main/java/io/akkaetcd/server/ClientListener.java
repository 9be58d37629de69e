package io.akkaetcd.server;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.ConnectionContext;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.ServerBuilder;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import io.akkaetcd.tls.KeyMaterial;
import io.akkaetcd.tls.TransportSecurity;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One --listen-client-urls listener: plain HTTP/2 on http://, TLS on https:// (http and https side by
 * side, as etcd allows). TLS listeners take a fresh SSLEngine per connection from the key material, so a
 * rotated certificate serves the next connection; Akka HTTP negotiates ALPN h2 on them, as grpc-go needs.
 * They speak TLS 1.2 (see {@link KeyMaterial#serverEngine(String...)}).
 * gRPC, /health, /version and /metrics are served the same on both.
 */
final class ClientListener {
  private static final Logger log = LoggerFactory.getLogger(EtcdServer.class);

  private ClientListener() {}

  static CompletionStage<ServerBinding> bind(ActorSystem<?> system, URI url, Optional<KeyMaterial> tls,
      Function<HttpRequest, CompletionStage<HttpResponse>> handler) {
    ServerBuilder builder = Http.get(system).newServerAt(url.getHost(), url.getPort());
    if (TransportSecurity.https(url)) {
      KeyMaterial material = tls.orElseThrow();
      builder = builder.enableHttps(ConnectionContext.httpsServer(() -> material.serverEngine(KeyMaterial.TLS_1_2)));
      log.info("serving client traffic securely: address={}", url);
    } else {
      log.warn("serving client traffic insecurely; this is strongly discouraged! address={}", url);
    }
    return builder.bind(handler::apply);
  }

  /**
   * A --listen-metrics-urls listener: https:// with the client listeners' key material (so their
   * --client-cert-auth and CA apply too), as etcd's serveMetrics uses its ClientTLSInfo.
   */
  static CompletionStage<ServerBinding> bindMetrics(ActorSystem<?> system, URI url, Optional<KeyMaterial> tls,
      Function<HttpRequest, CompletionStage<HttpResponse>> handler) {
    ServerBuilder builder = Http.get(system).newServerAt(url.getHost(), url.getPort());
    if (TransportSecurity.https(url)) {
      KeyMaterial material = tls.orElseThrow();
      builder = builder.enableHttps(ConnectionContext.httpsServer(() -> material.serverEngine(KeyMaterial.TLS_1_2)));
    }
    return builder.bind(handler::apply);
  }
}
