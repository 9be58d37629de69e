package io.akkaetcd.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Certificates made by {@code openssl} as etcd's docs make them: a CA, then member and client certificates
 * it signs, each with {@code subjectAltName=IP:127.0.0.1,DNS:localhost} and both TLS usages.
 */
public final class TestCerts {
  private final Path dir;
  private final String caName;

  private TestCerts(Path dir, String caName) {
    this.dir = dir;
    this.caName = caName;
  }

  /** A new CA named {@code caName} (files {@code <caName>.crt}, {@code <caName>.key}) in {@code dir}. */
  public static TestCerts authority(Path dir, String caName) throws IOException {
    Files.createDirectories(dir);
    openssl(dir, "req", "-x509", "-new", "-nodes", "-newkey", "rsa:2048", "-keyout", caName + ".key",
        "-out", caName + ".crt", "-days", "2", "-subj", "/CN=" + caName);
    return new TestCerts(dir, caName);
  }

  public Path caCert() {
    return dir.resolve(caName + ".crt");
  }

  /** Signs a new RSA key pair for {@code cn}: returns {cert, key} ({@code <name>.crt}, {@code <name>.key}). */
  public Path[] issue(String name, String cn) throws IOException {
    return issueSubject(name, "/CN=" + cn);
  }

  /** The same for an X.500 {@code subject} such as "/O=proxy" (no Common Name). */
  public Path[] issueSubject(String name, String subject) throws IOException {
    openssl(dir, "req", "-new", "-nodes", "-newkey", "rsa:2048", "-keyout", name + ".key", "-out", name + ".csr",
        "-subj", subject);
    Path ext = dir.resolve(name + ".ext");
    Files.writeString(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        + "extendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n");
    openssl(dir, "x509", "-req", "-in", name + ".csr", "-CA", caName + ".crt", "-CAkey", caName + ".key",
        "-set_serial", Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE), "-out", name + ".crt",
        "-days", "2", "-extfile", ext.getFileName().toString());
    return new Path[] {dir.resolve(name + ".crt"), dir.resolve(name + ".key")};
  }

  /** A client-side SSLContext trusting {@code caCert}, presenting {@code pair} (cert, key) unless null. */
  public static javax.net.ssl.SSLContext clientContext(Path caCert, Path[] pair) throws Exception {
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", PemFiles.certificates(caCert).get(0));
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    javax.net.ssl.KeyManager[] kms = null;
    if (pair != null) {
      java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("k", PemFiles.privateKey(pair[1]), new char[0],
          PemFiles.certificates(pair[0]).toArray(java.security.cert.X509Certificate[]::new));
      javax.net.ssl.KeyManagerFactory kmf =
          javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, new char[0]);
      kms = kmf.getKeyManagers();
    }
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(kms, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** Runs openssl in {@code dir}; fails with its output if it fails. */
  public static String openssl(Path dir, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    try {
      if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return out;
  }
}
