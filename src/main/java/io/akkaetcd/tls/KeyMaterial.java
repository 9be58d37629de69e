package io.akkaetcd.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One side's key material, made into SSL engines. etcd reads its certificate and key files at every
 * handshake, so a certificate rotated on disk (cert-manager rewrites the files in place) serves the next
 * connection; here each new engine compares the files' modification times and sizes with those it was
 * built from and rebuilds the SSLContext when they changed. A rewrite caught half-way (a key that no
 * longer matches its certificate) keeps the previous context and logs a warning.
 */
public final class KeyMaterial {
  private static final Logger log = LoggerFactory.getLogger(KeyMaterial.class);
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"}; // etcd's MinVersion is TLS 1.2

  private record Built(List<String> stamp, SSLContext context) {}

  private final TlsOptions options;
  private volatile Built built;

  private KeyMaterial(TlsOptions options, Built built) {
    this.options = options;
    this.built = built;
  }

  /** Loads the files once, failing with etcd's message if they cannot be used. */
  public static KeyMaterial load(TlsOptions options) throws PemFiles.BadPemException {
    return new KeyMaterial(options, new Built(stamp(options), build(options)));
  }

  public TlsOptions options() {
    return options;
  }

  /** TLS 1.2 only: see {@link #serverEngine(String...)}. */
  public static final String[] TLS_1_2 = {"TLSv1.2"};

  /** An engine for an accepted connection: client certificates required as etcd's ServerConfig says. */
  public SSLEngine serverEngine() {
    return serverEngine(PROTOCOLS);
  }

  /**
   * The same with only {@code protocols}. The client listeners offer TLS 1.2 alone: over TLS 1.3, Akka
   * HTTP's TLS stage completed the handshake with grpc-java's (jetcd's) JDK engine and then no HTTP/2
   * frame went through (measured; grpc-go and curl were served), while every client speaks TLS 1.2.
   */
  public SSLEngine serverEngine(String... protocols) {
    SSLEngine engine = context().createSSLEngine();
    engine.setUseClientMode(false);
    SSLParameters params = engine.getSSLParameters();
    params.setProtocols(protocols);
    if (!options.cipherSuites().isEmpty()) {
      params.setCipherSuites(CipherSuites.enabled(options.cipherSuites(), engine.getSupportedCipherSuites()));
    }
    params.setNeedClientAuth(options.requiresClientCertificate());
    engine.setSSLParameters(params);
    return engine;
  }

  /** An engine dialing {@code host}: its certificate must name that host, unless the pair is self-signed. */
  public SSLEngine clientEngine(String host, int port) {
    SSLEngine engine = context().createSSLEngine(host, port);
    engine.setUseClientMode(true);
    SSLParameters params = engine.getSSLParameters();
    params.setProtocols(PROTOCOLS);
    if (!options.cipherSuites().isEmpty()) {
      params.setCipherSuites(CipherSuites.enabled(options.cipherSuites(), engine.getSupportedCipherSuites()));
    }
    if (!options.selfSigned()) params.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(params);
    return engine;
  }

  private SSLContext context() {
    Built current = built;
    List<String> now = stamp(options);
    if (!now.equals(current.stamp())) {
      try {
        current = new Built(now, build(options));
        built = current;
        log.info("reloaded TLS key material: cert-file={} key-file={}", options.certFile(), options.keyFile());
      } catch (PemFiles.BadPemException | RuntimeException e) {
        log.warn("failed to reload TLS key material, serving the previous certificate: cert-file={} key-file={} error={}",
            options.certFile(), options.keyFile(), e.getMessage());
      }
    }
    return current.context();
  }

  private static SSLContext build(TlsOptions o) throws PemFiles.BadPemException {
    List<X509Certificate> chain = PemFiles.certificates(Path.of(o.certFile()));
    PrivateKey key = PemFiles.privateKey(Path.of(o.keyFile()));
    PemFiles.checkMatches(key, chain.get(0));
    X509CRL crl = o.crlFile().isEmpty() ? null : PemFiles.crl(Path.of(o.crlFile()));
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("member", key, new char[0], chain.toArray(X509Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, new char[0]);

      X509ExtendedTrustManager trust;
      if (!o.trustedCaFile().isEmpty()) {
        KeyStore cas = KeyStore.getInstance("PKCS12");
        cas.load(null, null);
        int i = 0;
        for (X509Certificate ca : PemFiles.certificates(Path.of(o.trustedCaFile()))) {
          cas.setCertificateEntry("ca-" + i++, ca);
        }
        trust = pkix(cas);
      } else if (o.selfSigned()) {
        trust = VerifyingTrustManager.acceptingAny();
      } else {
        trust = pkix(null); // the system's CAs, as Go's nil pool
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(),
          new TrustManager[] {new VerifyingTrustManager(trust, crl, o.allowedCn(), o.allowedHostname())}, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new PemFiles.BadPemException("tls: " + e.getMessage());
    }
  }

  private static X509ExtendedTrustManager pkix(KeyStore cas) throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(cas);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager x) return x;
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }

  /** What the context was built from: each file's modification time and size. */
  private static List<String> stamp(TlsOptions o) {
    List<String> out = new ArrayList<>();
    for (String f : List.of(o.certFile(), o.keyFile(), o.trustedCaFile(), o.crlFile())) {
      if (f.isEmpty()) continue;
      try {
        BasicFileAttributes a = Files.readAttributes(Path.of(f), BasicFileAttributes.class);
        out.add(a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS) + "/" + a.size() + "/" + a.fileKey());
      } catch (IOException e) {
        out.add("missing");
      }
    }
    return out;
  }
}
