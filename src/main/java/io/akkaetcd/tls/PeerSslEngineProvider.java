package io.akkaetcd.tls;

import akka.actor.ActorSystem;
import akka.remote.artery.tcp.SSLEngineProvider;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import scala.Option;

/**
 * Artery's {@code tls-tcp} transport with etcd's peer TLS semantics. Akka's own
 * RotatingKeysSSLEngineProvider is close but cannot be used as it is: it always requires client
 * certificates, trusts a single CA certificate, accepts a peer only if its certificate shares a subject
 * name with ours (etcd's recipe gives each member its own CN and IP-only SANs, so members would refuse
 * each other), and has no CRL, allowed-CN or allowed-hostname check. This provider keeps Artery's TLS
 * stream and plugs in {@link KeyMaterial}: the accepting side requires a verified client certificate when
 * --peer-client-cert-auth or --peer-trusted-ca-file is set (etcd's rule), the dialing side checks the
 * server certificate against the peer URL's host, and rotated files are picked up by the next connection.
 */
public final class PeerSslEngineProvider implements SSLEngineProvider {
  /** Where {@link #config} puts the resolved settings for the provider Artery instantiates. */
  static final String SECTION = "akka-etcd.resolved-peer-tls";

  private final KeyMaterial material;

  public PeerSslEngineProvider(ActorSystem system) throws PemFiles.BadPemException {
    Config c = system.settings().config().getConfig(SECTION);
    material = KeyMaterial.load(new TlsOptions(c.getString("cert-file"), c.getString("key-file"),
        c.getString("trusted-ca-file"), c.getBoolean("client-cert-auth"), c.getString("crl-file"),
        c.getString("allowed-cn"), c.getString("allowed-hostname"), c.getStringList("cipher-suites"),
        c.getBoolean("self-signed")));
  }

  /** Artery on tls-tcp through this provider, with {@code peer}'s settings. */
  public static Config config(TlsOptions peer) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("akka.remote.artery.transport", "tls-tcp");
    s.put("akka.remote.artery.ssl.ssl-engine-provider", PeerSslEngineProvider.class.getName());
    s.put(SECTION + ".cert-file", peer.certFile());
    s.put(SECTION + ".key-file", peer.keyFile());
    s.put(SECTION + ".trusted-ca-file", peer.trustedCaFile());
    s.put(SECTION + ".client-cert-auth", peer.clientCertAuth());
    s.put(SECTION + ".crl-file", peer.crlFile());
    s.put(SECTION + ".allowed-cn", peer.allowedCn());
    s.put(SECTION + ".allowed-hostname", peer.allowedHostname());
    s.put(SECTION + ".cipher-suites", peer.cipherSuites());
    s.put(SECTION + ".self-signed", peer.selfSigned());
    return ConfigFactory.parseMap(s);
  }

  @Override
  public SSLEngine createServerSSLEngine(String hostname, int port) {
    return material.serverEngine();
  }

  @Override
  public SSLEngine createClientSSLEngine(String hostname, int port) {
    return material.clientEngine(hostname, port);
  }

  // Every check runs inside the handshake (VerifyingTrustManager), so a refused peer never gets a session.
  @Override
  public Option<Throwable> verifyClientSession(String hostname, SSLSession session) {
    return Option.empty();
  }

  @Override
  public Option<Throwable> verifyServerSession(String hostname, SSLSession session) {
    return Option.empty();
  }
}
