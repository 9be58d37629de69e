package io.akkaetcd.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.config.EtcdConfigException;
import io.akkaetcd.config.MemberConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What etcd 3.4.23 refuses to start with, and its messages (each checked against /usr/bin/etcd). */
class TransportSecurityTest {
  @TempDir
  static Path dir;
  static Path[] m1;
  static Path[] m2;

  @BeforeAll
  static void certificates() throws Exception {
    TestCerts ca = TestCerts.authority(dir, "ca");
    m1 = ca.issue("m1", "member1");
    m2 = ca.issue("m2", "member2");
  }

  private static String refusal(Object... keyValues) {
    return assertThrows(EtcdConfigException.class, () -> prepare(keyValues)).getMessage();
  }

  private static TransportSecurity prepare(Object... keyValues) {
    Map<String, Object> s = new HashMap<>();
    s.put("akka-etcd.data-dir", dir.resolve("data").toString());
    s.put("akka-etcd.listen-client-urls", "https://127.0.0.1:23791");
    s.put("akka-etcd.listen-peer-urls", "http://127.0.0.1:23801");
    s.put("akka-etcd.initial-advertise-peer-urls", "http://127.0.0.1:23801");
    s.put("akka-etcd.initial-cluster", "default=http://127.0.0.1:23801");
    for (int i = 0; i < keyValues.length; i += 2) s.put("akka-etcd." + keyValues[i], keyValues[i + 1]);
    Config c = ConfigFactory.parseMap(s).withFallback(ConfigFactory.load());
    return TransportSecurity.prepare(MemberConfig.from(c), c);
  }

  @Test
  void httpsClientUrlWithoutAKeyPair() {
    assertEquals("TLS key/cert (--cert-file, --key-file) must be provided for client url https://127.0.0.1:23791 "
        + "with HTTPS scheme", refusal());
    assertEquals("KeyFile and CertFile must both be present[key: , cert: " + m1[0] + "]",
        refusal("cert-file", m1[0].toString()));
  }

  @Test
  void httpsPeerUrlWithoutAKeyPair() {
    assertEquals("cannot listen on TLS for 127.0.0.1:23801: KeyFile and CertFile are not presented",
        refusal("listen-client-urls", "http://127.0.0.1:23791", "listen-peer-urls", "https://127.0.0.1:23801",
            "initial-advertise-peer-urls", "https://127.0.0.1:23801", "initial-cluster", "default=https://127.0.0.1:23801"));
  }

  @Test
  void httpsMetricsUrlWithoutAKeyPair() {
    // etcd 3.4.23's words for --listen-metrics-urls https://... with no client key pair
    assertEquals("cannot listen on TLS for 127.0.0.1:23811: KeyFile and CertFile are not presented",
        refusal("listen-client-urls", "http://127.0.0.1:23791", "listen-metrics-urls", "https://127.0.0.1:23811"));
  }

  @Test
  void unreadableOrMismatchedKeyFiles() throws Exception {
    Path missing = dir.resolve("nope.key");
    assertEquals("open " + missing + ": no such file or directory",
        refusal("cert-file", m1[0].toString(), "key-file", missing.toString()));
    assertEquals("tls: private key does not match public key",
        refusal("cert-file", m1[0].toString(), "key-file", m2[1].toString()));
    Path junk = Files.writeString(dir.resolve("junk"), "subjectAltName=IP:127.0.0.1\n");
    assertEquals("tls: failed to find any PEM data in key input",
        refusal("cert-file", m1[0].toString(), "key-file", junk.toString()));
  }

  @Test
  void otherFlagErrors() {
    assertEquals("unexpected TLS cipher suite \"FOO\"", refusal("cipher-suites", "FOO"));
    assertEquals("AllowedCN and AllowedHostname are mutually exclusive (cn=\"a\", hostname=\"b\")",
        refusal("listen-client-urls", "http://127.0.0.1:23791", "listen-peer-urls", "https://127.0.0.1:23801",
            "initial-advertise-peer-urls", "https://127.0.0.1:23801", "initial-cluster", "default=https://127.0.0.1:23801",
            "peer-cert-file", m1[0].toString(), "peer-key-file", m1[1].toString(),
            "peer-cert-allowed-cn", "a", "peer-cert-allowed-hostname", "b"));
    assertTrue(refusal("listen-client-urls", "unix://localhost:23791").contains("unix:// and unixs:// URLs are not supported"));
  }

  @Test
  void autoTlsGeneratesUnderTheDataDirAndHttpNeedsNothing() {
    TransportSecurity t = prepare("auto-tls", true);
    assertEquals(dir.resolve("data/fixtures/client/cert.pem").toString(), t.client().orElseThrow().options().certFile());
    assertTrue(t.client().orElseThrow().options().selfSigned());
    assertTrue(prepare("listen-client-urls", "http://127.0.0.1:23791").client().isEmpty());
  }
}
