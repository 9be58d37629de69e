package io.akkaetcd.tls;

import com.typesafe.config.Config;
import io.akkaetcd.config.EtcdConfigException;
import io.akkaetcd.config.MemberConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The member's TLS, settled at start as etcd's embed.StartEtcd settles it, before anything is opened:
 * peer listeners first, then client listeners. Every misconfiguration etcd refuses is refused here with
 * etcd's message (exit 1): an https URL without a key pair, one file of the pair missing, an unreadable,
 * unparsable or mismatched key, an unknown cipher suite, --peer-cert-allowed-cn together with
 * --peer-cert-allowed-hostname. unix:// and unixs:// URLs are refused too: neither Akka HTTP nor Artery
 * listens on a unix socket.
 *
 * @param client the client listeners' key material, if any listen-client-url is https
 * @param peer the peer transport's settings, if the listen-peer-url is https (Artery runs tls-tcp)
 */
public record TransportSecurity(Optional<KeyMaterial> client, Optional<KeyMaterial> peer) {
  private static final Logger log = LoggerFactory.getLogger(TransportSecurity.class);
  private static final String K = "akka-etcd.";

  public static TransportSecurity prepare(MemberConfig member, Config c) {
    List<String> ciphers = CipherSuites.parse(c.getString(K + "cipher-suites"));
    refuseUnix(member.listenPeerUrls());
    refuseUnix(member.listenClientUrls());
    int validity = c.getInt(K + "self-signed-cert-validity");

    Optional<KeyMaterial> peer = Optional.empty();
    Optional<URI> peerHttps = member.listenPeerUrls().stream().filter(TransportSecurity::https).findFirst();
    if (peerHttps.isPresent()) {
      TlsOptions o = new TlsOptions(c.getString(K + "peer-cert-file"), c.getString(K + "peer-key-file"),
          c.getString(K + "peer-trusted-ca-file"), c.getBoolean(K + "peer-client-cert-auth"),
          c.getString(K + "peer-crl-file"), c.getString(K + "peer-cert-allowed-cn"),
          c.getString(K + "peer-cert-allowed-hostname"), ciphers, false);
      if (o.empty() && c.getBoolean(K + "peer-auto-tls")) {
        o = generated(o, member.dataDir().resolve("fixtures").resolve("peer"), member.listenPeerUrls(), validity, true);
      }
      if (o.empty()) {
        URI u = peerHttps.get();
        throw new EtcdConfigException("cannot listen on TLS for " + u.getHost() + ":" + u.getPort()
            + ": KeyFile and CertFile are not presented");
      }
      peer = Optional.of(load(o));
      if (!o.allowedCn().isEmpty() && !o.allowedHostname().isEmpty()) {
        throw new EtcdConfigException("AllowedCN and AllowedHostname are mutually exclusive (cn=\""
            + o.allowedCn() + "\", hostname=\"" + o.allowedHostname() + "\")");
      }
    }

    Optional<KeyMaterial> client = Optional.empty();
    Optional<URI> clientHttps = member.listenClientUrls().stream().filter(TransportSecurity::https).findFirst();
    // an https metrics listener serves with the client TLS material, as etcd's serveMetrics does
    Optional<URI> metricsHttps = member.listenMetricsUrls().stream().filter(TransportSecurity::https).findFirst();
    if (clientHttps.isPresent() || metricsHttps.isPresent()) {
      TlsOptions o = new TlsOptions(c.getString(K + "cert-file"), c.getString(K + "key-file"),
          c.getString(K + "trusted-ca-file"), c.getBoolean(K + "client-cert-auth"),
          c.getString(K + "client-crl-file"), "", "", ciphers, false);
      if (o.empty() && c.getBoolean(K + "auto-tls")) {
        o = generated(o, member.dataDir().resolve("fixtures").resolve("client"), member.listenClientUrls(), validity, false);
      }
      if (o.empty() && clientHttps.isPresent()) {
        throw new EtcdConfigException("TLS key/cert (--cert-file, --key-file) must be provided for client url "
            + clientHttps.get() + " with HTTPS scheme");
      }
      if (o.empty()) {
        URI u = metricsHttps.get();
        throw new EtcdConfigException("cannot listen on TLS for " + u.getHost() + ":" + u.getPort()
            + ": KeyFile and CertFile are not presented");
      }
      if (o.clientCertAuth() && o.trustedCaFile().isEmpty()) {
        // etcd starts too; Go then verifies client certificates against the system's CAs, as the JDK does here
        log.warn("--client-cert-auth is set without --trusted-ca-file: client certificates are verified "
            + "against the system's certificate authorities");
      }
      client = Optional.of(load(o));
    }
    return new TransportSecurity(client, peer);
  }

  public static boolean https(URI u) {
    return "https".equalsIgnoreCase(u.getScheme());
  }

  private static void refuseUnix(List<URI> urls) {
    for (URI u : urls) {
      String s = u.getScheme() == null ? "" : u.getScheme().toLowerCase();
      if (s.equals("unix") || s.equals("unixs")) {
        throw new EtcdConfigException("listen URL " + u + ": unix:// and unixs:// URLs are not supported by "
            + "akka-etcd (Akka HTTP and Artery listen on TCP only); use http:// or https://");
      }
    }
  }

  private static TlsOptions generated(TlsOptions o, Path dir, List<URI> hosts, int validity, boolean clientAuth) {
    try {
      Path[] pair = SelfSignedCert.ensure(dir, hosts, validity, clientAuth);
      log.info("automatically generated a self-signed certificate: cert-file={} key-file={}", pair[0], pair[1]);
      return o.withKeyPair(pair[0].toString(), pair[1].toString(), true);
    } catch (IOException e) {
      throw new EtcdConfigException(e.getMessage());
    }
  }

  private static KeyMaterial load(TlsOptions o) {
    if (o.certFile().isEmpty() || o.keyFile().isEmpty()) {
      throw new EtcdConfigException("KeyFile and CertFile must both be present[key: " + o.keyFile()
          + ", cert: " + o.certFile() + "]");
    }
    try {
      return KeyMaterial.load(o);
    } catch (PemFiles.BadPemException e) {
      throw new EtcdConfigException(e.getMessage());
    }
  }
}
