package io.akkaetcd.tls;

import akka.http.javadsl.model.AttributeKeys;
import akka.http.javadsl.model.HttpRequest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The verified client certificate of a request that came over TLS (Akka HTTP attaches the session with
 * {@code akka.http.server.parsing.ssl-session-attribute = on}). etcd's auth takes the user name from its
 * Common Name when --client-cert-auth is on; a certificate is only present when the listener asked for
 * one and verified it, so a CN here is always one the CA vouched for.
 */
public final class ClientCertificates {
  private ClientCertificates() {}

  public static Optional<X509Certificate> certificate(HttpRequest request) {
    return request.getAttribute(AttributeKeys.sslSession).flatMap(info -> {
      try {
        Certificate[] chain = info.getSession().getPeerCertificates();
        return chain.length > 0 && chain[0] instanceof X509Certificate x ? Optional.of(x) : Optional.empty();
      } catch (SSLPeerUnverifiedException e) {
        return Optional.empty();
      }
    });
  }

  /** The Common Name of the verified client certificate, if the request carried one. */
  public static Optional<String> commonName(HttpRequest request) {
    return certificate(request).flatMap(VerifyingTrustManager::commonName);
  }
}
