package io.akkaetcd.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.server.EtcdServer;
import io.akkaetcd.tls.TestCerts;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.grpc.netty.GrpcSslContexts;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three members in this JVM on https peer and client URLs with mutual authentication (etcd's TLS recipe:
 * openssl-made CA, one certificate per member with subjectAltName IP:127.0.0.1), plus a plain http
 * client listener beside the https one. Real etcdctl and jetcd as clients.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsClusterTest {
  static Path root;
  static TestCerts ca;
  static TestCerts otherCa;
  static Path[] client;
  static Path[] stranger;
  static final List<EtcdServer> members = new ArrayList<>();
  static final List<Integer> peerPorts = new ArrayList<>();
  static final List<Integer> httpsPorts = new ArrayList<>();
  static final List<Integer> httpPorts = new ArrayList<>();
  /** Each member's https --listen-metrics-urls port, by name. */
  static final Map<String, Integer> metricsPorts = new HashMap<>();
  static String initialCluster;

  @BeforeAll
  static void startCluster() throws Exception {
    root = Files.createTempDirectory("akka-etcd-tls");
    ca = TestCerts.authority(root.resolve("certs"), "ca");
    otherCa = TestCerts.authority(root.resolve("certs"), "other-ca");
    client = ca.issue("client", "root");
    stranger = otherCa.issue("stranger", "infra9");
    StringBuilder ic = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      peerPorts.add(RealEtcd.freePort());
      httpsPorts.add(RealEtcd.freePort());
      httpPorts.add(RealEtcd.freePort());
      ic.append(i == 0 ? "" : ",").append("infra").append(i).append("=https://127.0.0.1:").append(peerPorts.get(i));
    }
    initialCluster = ic.toString();
    for (int i = 0; i < 3; i++) {
      members.add(EtcdServer.start(memberConfig("infra" + i, peerPorts.get(i), httpsPorts.get(i), httpPorts.get(i),
          initialCluster, "new", ca.issue("infra" + i, "infra" + i)), settings("infra" + i, peerPorts.get(i),
          httpsPorts.get(i), httpPorts.get(i), initialCluster, "new", root.resolve("certs/infra" + i + ".crt"))));
    }
    CompletableFuture.allOf(members.stream().map(m -> m.ready().toCompletableFuture())
        .toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
  }

  private static MemberConfig memberConfig(String name, int peer, int https, int http, String cluster, String state,
      Path[] pair) {
    return MemberConfig.from(settings(name, peer, https, http, cluster, state, pair[0]));
  }

  private static Config settings(String name, int peer, int https, int http, String cluster, String state, Path cert) {
    Map<String, Object> s = new HashMap<>();
    s.put("akka-etcd.name", name);
    s.put("akka-etcd.data-dir", root.resolve(name).toString());
    s.put("akka-etcd.listen-client-urls", "https://127.0.0.1:" + https + ",http://127.0.0.1:" + http);
    s.put("akka-etcd.advertise-client-urls", "https://127.0.0.1:" + https);
    s.put("akka-etcd.listen-peer-urls", "https://127.0.0.1:" + peer);
    s.put("akka-etcd.initial-advertise-peer-urls", "https://127.0.0.1:" + peer);
    s.put("akka-etcd.initial-cluster", cluster);
    s.put("akka-etcd.initial-cluster-state", state);
    s.put("akka-etcd.listen-metrics-urls", "https://127.0.0.1:" + metricsPorts.computeIfAbsent(name, n -> {
      try {
        return RealEtcd.freePort();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }));
    String key = cert.toString().replace(".crt", ".key");
    s.put("akka-etcd.cert-file", cert.toString());
    s.put("akka-etcd.key-file", key);
    s.put("akka-etcd.trusted-ca-file", ca.caCert().toString());
    s.put("akka-etcd.client-cert-auth", true);
    s.put("akka-etcd.peer-cert-file", cert.toString());
    s.put("akka-etcd.peer-key-file", key);
    s.put("akka-etcd.peer-trusted-ca-file", ca.caCert().toString());
    s.put("akka-etcd.peer-client-cert-auth", true);
    return ConfigFactory.parseMap(s).withFallback(ConfigFactory.load());
  }

  @AfterAll
  static void stop() throws Exception {
    for (EtcdServer m : members) m.close();
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  static String https(int i) {
    return "https://127.0.0.1:" + httpsPorts.get(i);
  }

  static Etcdctl.Result etcdctl(int member, Path[] pair, String... args) {
    List<String> a = new ArrayList<>(List.of("--cacert=" + ca.caCert()));
    if (pair != null) a.addAll(List.of("--cert=" + pair[0], "--key=" + pair[1]));
    a.addAll(List.of(args));
    return Etcdctl.run(https(member), null, a.toArray(String[]::new));
  }

  @Test
  @Order(1)
  void etcdctlAndJetcdWithCertificatesWhilePeerTrafficStaysEncrypted() throws Exception {
    String secret = "plaintext-canary-" + System.nanoTime();
    try (PeerCapture capture = PeerCapture.start(peerPorts, root.resolve("peers.pcap"))) {
      assertEquals(0, etcdctl(0, client, "put", "tls/key", secret).exitCode());
      // a follower's linearizable read, over its own TLS listener
      Etcdctl.Result got = etcdctl(2, client, "get", "tls/key", "--print-value-only");
      assertEquals(secret + "\n", got.stdout(), got.stderr());
      capture.awaitBytes(2_000);
      byte[] pcap = capture.stop();
      assertFalse(contains(pcap, secret.getBytes(UTF_8)), "a written value crossed a peer port in clear text");
      assertTrue(contains(pcap, new byte[] {0x17, 0x03, 0x03}), "the capture holds TLS application data records");
    }

    try (Client jetcd = Client.builder().endpoints(https(1)).authority("127.0.0.1").sslContext(GrpcSslContexts.forClient()
        .trustManager(ca.caCert().toFile()).keyManager(client[0].toFile(), client[1].toFile()).build()).build()) {
      var kvs = jetcd.getKVClient().get(ByteSequence.from("tls/key", UTF_8)).get(10, TimeUnit.SECONDS).getKvs();
      assertEquals(secret, kvs.get(0).getValue().toString(UTF_8));
    }

    // the plain listener beside the TLS one serves the same data
    assertEquals(secret + "\n", Etcdctl.run("http://127.0.0.1:" + httpPorts.get(0), null, "get", "tls/key",
        "--print-value-only").stdout());

    Path snapshot = root.resolve("snap.db");
    Etcdctl.Result saved = etcdctl(1, client, "snapshot", "save", snapshot.toString());
    assertEquals(0, saved.exitCode(), saved.stderr());
    assertTrue(Files.size(snapshot) > 0);
    Process curl = new ProcessBuilder("curl", "-s", "--cacert", ca.caCert().toString(), "--cert", client[0].toString(),
        "--key", client[1].toString(), https(0) + "/health").start();
    assertEquals("{\"health\":\"true\"}", new String(curl.getInputStream().readAllBytes(), UTF_8).trim());
  }

  @Test
  @Order(2)
  void clientsWithoutCertificateOrFromAnotherCaAreRefused() throws Exception {
    assertNotEquals(0, etcdctl(0, null, "--command-timeout=3s", "get", "tls/key").exitCode());
    assertNotEquals(0, etcdctl(0, stranger, "--command-timeout=3s", "get", "tls/key").exitCode());
    assertTrue(refused(TestCerts.clientContext(ca.caCert(), null), httpsPorts.get(0)));
    assertTrue(refused(TestCerts.clientContext(ca.caCert(), stranger), httpsPorts.get(0)));
    assertFalse(refused(TestCerts.clientContext(ca.caCert(), client), httpsPorts.get(0)), "the control passes");
  }

  @Test
  @Order(2)
  void httpsMetricsListenerServesWithTheClientTlsMaterial() throws Exception {
    int port = metricsPorts.get("infra0");
    java.net.http.HttpClient https = java.net.http.HttpClient.newBuilder()
        .sslContext(TestCerts.clientContext(ca.caCert(), client)).build();
    java.net.http.HttpResponse<String> metrics = https.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("https://127.0.0.1:" + port + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.body().contains("etcd_server_version{server_version=\"3.4.23\"} 1"), metrics.body());
    // --client-cert-auth holds there too, as on etcd's metrics listener
    assertTrue(refused(TestCerts.clientContext(ca.caCert(), null), port));
    assertTrue(plaintextRefused(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
  }

  @Test
  @Order(3)
  void badInputOnEveryPortIsRefusedAndTheClusterKeepsServing() throws Exception {
    assertEquals(0, etcdctl(0, client, "put", "tls/before", "kept").exitCode());
    SSLContext good = TestCerts.clientContext(ca.caCert(), client);
    // a TLS ClientHello on the plaintext listener
    assertTrue(refused(good, httpPorts.get(0)));
    // plaintext (the HTTP/2 preface, Artery's magic) on TLS listeners
    assertTrue(plaintextRefused(httpsPorts.get(0), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
    assertTrue(plaintextRefused(peerPorts.get(1), "AKKA\u0001"));
    // a handshake cut short, left hanging on each kind of port while others are served
    byte[] hello = clientHello(good);
    try (Socket half = new Socket("127.0.0.1", httpsPorts.get(0)); Socket halfPeer = new Socket("127.0.0.1", peerPorts.get(0))) {
      half.getOutputStream().write(hello, 0, hello.length / 2);
      halfPeer.getOutputStream().write(hello, 0, hello.length / 2);
      assertEquals(0, etcdctl(0, client, "put", "tls/during", "served").exitCode());
    }
    // peers refuse a member certificate from another CA, and a connection with none
    assertTrue(refused(TestCerts.clientContext(ca.caCert(), stranger), peerPorts.get(0)));
    assertTrue(refused(TestCerts.clientContext(ca.caCert(), null), peerPorts.get(0)));
    for (int i = 0; i < 3; i++) {
      Etcdctl.Result r = etcdctl(i, client, "get", "tls/", "--prefix", "--print-value-only");
      assertEquals("kept\nserved\n", r.stdout().replaceAll("(?m)^plaintext-canary-\\d+\n", ""), r.stderr());
    }
  }

  @Test
  @Order(4)
  void memberWithAPeerCertificateFromAnotherCaCannotJoin() throws Exception {
    int peer = RealEtcd.freePort();
    Etcdctl.Result added = etcdctl(0, client, "member", "add", "intruder", "--peer-urls=https://127.0.0.1:" + peer);
    assertEquals(0, added.exitCode(), added.stderr());
    String id = added.stdout().replaceAll("(?s).*Member ([0-9a-f]+) added.*", "$1");
    Config c = settings("intruder", peer, RealEtcd.freePort(), RealEtcd.freePort(),
        initialCluster + ",intruder=https://127.0.0.1:" + peer, "existing", stranger[0]);
    try {
      // it asks the members for its ID with a certificate they refuse: none answers, and it does not start,
      // with etcd's error, while the three others go on committing (3 of 4 is a quorum)
      io.akkaetcd.config.EtcdConfigException refused = assertThrows(io.akkaetcd.config.EtcdConfigException.class,
          () -> EtcdServer.start(MemberConfig.from(c), c));
      assertTrue(refused.getMessage().contains("could not retrieve cluster information"), refused.getMessage());
      for (int i = 0; i < 5; i++) assertEquals(0, etcdctl(i % 3, client, "put", "tls/x" + i, "v").exitCode());
      String list = etcdctl(1, client, "member", "list").stdout();
      assertTrue(list.contains(id + ", unstarted, , https://127.0.0.1:" + peer), list);
    } finally {
      assertEquals(0, etcdctl(0, client, "member", "remove", id).exitCode());
    }
  }

  /** Whether a TLS connection with {@code ctx} fails: at the handshake, or (TLS 1.3) at the first read. */
  static boolean refused(SSLContext ctx, int port) {
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(5_000);
      s.startHandshake();
      s.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(UTF_8));
      s.getOutputStream().flush();
      return s.getInputStream().read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  /** Plain bytes on a TLS port: the connection is closed (after at most a TLS alert record). */
  static boolean plaintextRefused(int port, String text) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(text.getBytes(UTF_8));
      s.getOutputStream().write(new byte[512]);
      InputStream in = s.getInputStream();
      int first = in.read();
      if (first == 0x15) { // an alert: then the close
        in.skip(6);
        return in.read() < 0;
      }
      return first < 0;
    } catch (java.net.SocketException e) {
      return true; // reset
    }
  }

  static byte[] clientHello(SSLContext ctx) throws IOException {
    SSLEngine e = ctx.createSSLEngine("127.0.0.1", 1);
    e.setUseClientMode(true);
    ByteBuffer out = ByteBuffer.allocate(1 << 16);
    e.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] b = new byte[out.remaining()];
    out.get(b);
    return b;
  }

  static boolean contains(byte[] haystack, byte[] needle) {
    return HexFormat.of().formatHex(haystack).contains(HexFormat.of().formatHex(needle));
  }

  /** tcpdump on loopback for the peer ports; the test is skipped (saying why) where it cannot capture. */
  static final class PeerCapture implements AutoCloseable {
    private final Process process;
    private final Path file;

    private PeerCapture(Process process, Path file) {
      this.process = process;
      this.file = file;
    }

    static PeerCapture start(List<Integer> ports, Path file) throws Exception {
      String filter = String.join(" or ", ports.stream().map(p -> "tcp port " + p).toList());
      Process p;
      try {
        p = new ProcessBuilder("tcpdump", "-i", "lo", "-U", "-s", "0", "-w", file.toString(), filter)
            .redirectErrorStream(true).start();
      } catch (IOException e) {
        Assumptions.abort("tcpdump is not installed (bin/test installs Debian's tcpdump): " + e.getMessage());
        throw e;
      }
      // tcpdump says "listening on lo" once the capture is open, or why it cannot open it
      var reader = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), UTF_8));
      String line = reader.readLine();
      if (line == null || !line.contains("listening on")) {
        p.destroy();
        Assumptions.abort("tcpdump cannot capture on loopback here: " + line);
      }
      return new PeerCapture(p, file);
    }

    /** Waits until the capture file holds {@code n} bytes of packets (the traffic has been written out). */
    void awaitBytes(long n) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!Files.exists(file) || Files.size(file) < n) {
        if (System.nanoTime() > deadline) throw new AssertionError("the capture stayed under " + n + " bytes");
        Thread.onSpinWait();
        Thread.sleep(20); // polling a file another process writes
      }
    }

    byte[] stop() throws Exception {
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
      return Files.readAllBytes(file);
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }
}
