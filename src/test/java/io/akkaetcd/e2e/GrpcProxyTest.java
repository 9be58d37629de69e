package io.akkaetcd.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.akkaetcd.config.EtcdConfigException;
import io.akkaetcd.grpcproxy.GrpcProxy;
import io.akkaetcd.grpcproxy.GrpcProxyCommand;
import io.akkaetcd.tls.TestCerts;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code etcd grpc-proxy start} in this JVM (as {@code bin/etcd grpc-proxy} runs it) in front of a member,
 * driven by the unmodified etcdctl 3.4 and jetcd: every call goes through the proxy to the member.
 */
class GrpcProxyTest {
  private static TestMember member;
  private static GrpcProxy proxy;
  private static String through;

  @BeforeAll
  static void start() {
    member = TestMember.start();
    proxy = start("--endpoints=" + member.endpoint(), "--advertise-client-url=127.0.0.1:23999");
    through = "127.0.0.1:" + proxy.port();
  }

  @AfterAll
  static void stop() throws Exception {
    proxy.close();
    member.close();
  }

  static GrpcProxy start(String... flags) {
    List<String> args = new ArrayList<>(List.of("grpc-proxy", "start", "--listen-addr=127.0.0.1:0"));
    args.addAll(List.of(flags));
    GrpcProxyCommand.Request request = GrpcProxyCommand.parse(args);
    if (!(request instanceof GrpcProxyCommand.Start s)) throw new IllegalStateException(request.toString());
    return GrpcProxy.start(s.options());
  }

  static String ok(Etcdctl.Result r) {
    assertEquals(0, r.exitCode(), r.stderr());
    return r.stdout();
  }

  @Test
  void etcdctlWorksThroughTheProxy(@TempDir Path dir) throws Exception {
    assertEquals("OK\n", ok(Etcdctl.run(through, null, "put", "p/a", "1")));
    assertEquals("p/a\n1\n", ok(Etcdctl.run(member.endpoint(), null, "get", "p/a")), "the member holds it");
    assertEquals("p/a\n1\n", ok(Etcdctl.run(through, null, "get", "p/", "--prefix")));
    assertEquals("SUCCESS\n\nOK\n", ok(Etcdctl.run(through, "value(\"p/a\") = \"1\"\n\nput p/a 2\n\n\n", "txn")));
    assertEquals("FAILURE\n\np/a\n2\n", ok(Etcdctl.run(through, "value(\"p/a\") = \"1\"\n\nput p/a 3\n\nget p/a\n\n\n", "txn")));

    // a watch from a past revision: its history arrives over the proxied stream
    long rev = number(ok(Etcdctl.run(through, null, "get", "p/a", "-w", "json")), "mod_revision");
    try (Etcdctl.Running w = Etcdctl.start(through, "watch", "p/", "--prefix", "--rev", Long.toString(rev))) {
      assertEquals("PUT\np/a\n2\n", w.awaitLines(3, 20_000));
    }

    String lease = ok(Etcdctl.run(through, null, "lease", "grant", "30")).split(" ")[1];
    Etcdctl.Result keepAlive = Etcdctl.run(through, null, "lease", "keep-alive", "--once", lease);
    assertEquals("lease " + lease + " keepalived with TTL(30)\n", ok(keepAlive));
    ok(Etcdctl.run(through, null, "put", "p/leased", "x", "--lease=" + lease));
    assertTrue(ok(Etcdctl.run(through, null, "lease", "timetolive", "--keys", lease)).contains("attached keys([p/leased])"));

    // etcd's proxy names itself (host name, --advertise-client-url) instead of the members
    String hostname = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
    assertEquals("0, started, " + hostname + ", , 127.0.0.1:23999, false\n", ok(Etcdctl.run(through, null, "member", "list")));

    Path snapshot = dir.resolve("snap.db");
    ok(Etcdctl.run(through, null, "snapshot", "save", snapshot.toString()));
    String status = ok(Etcdctl.run(null, null, "snapshot", "status", snapshot.toString(), "-w", "json"));
    assertTrue(status.contains("\"totalKey\""), status);
    assertTrue(Files.size(snapshot) > 0);

    // an error of the member comes back with its code and text
    Etcdctl.Result compacted = Etcdctl.run(through, null, "get", "p/a", "--rev=1000000");
    assertTrue(compacted.stderr().contains("etcdserver: mvcc: required revision is a future revision"), compacted.stderr());
  }

  private static long number(String json, String field) {
    var m = java.util.regex.Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
    assertTrue(m.find(), json);
    return Long.parseLong(m.group(1));
  }

  @Test
  void jetcdWorksThroughTheProxy() throws Exception {
    try (Client client = Client.builder().endpoints("http://" + through).build()) {
      ByteSequence key = ByteSequence.from("j/k", UTF_8);
      BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
      // from the revision after now: a watch created (through the proxy) after the puts still sees both
      long now = client.getKVClient().get(key).get(10, TimeUnit.SECONDS).getHeader().getRevision();
      WatchOption fromNext = WatchOption.newBuilder().withPrevKV(true).withRevision(now + 1).build();
      try (var w = client.getWatchClient().watch(key, fromNext, r -> {
        events.addAll(r.getEvents());
      })) {
        client.getKVClient().put(key, ByteSequence.from("v1", UTF_8)).get(10, TimeUnit.SECONDS);
        client.getKVClient().put(key, ByteSequence.from("v2", UTF_8)).get(10, TimeUnit.SECONDS);
        // wait for v2, which comes after v1
        WatchEvent last = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while ((last == null || !last.getKeyValue().getValue().toString(UTF_8).equals("v2")) && System.nanoTime() < deadline) {
          last = events.poll(1, TimeUnit.SECONDS);
        }
        assertTrue(last != null && last.getKeyValue().getValue().toString(UTF_8).equals("v2"), "the watch saw v2");
        assertEquals("v1", last.getPrevKV().getValue().toString(UTF_8));
      }
      assertEquals("v2", client.getKVClient().get(key).get(10, TimeUnit.SECONDS).getKvs().get(0).getValue().toString(UTF_8));
      long id = client.getLeaseClient().grant(20).get(10, TimeUnit.SECONDS).getID();
      assertEquals(20, client.getLeaseClient().keepAliveOnce(id).get(10, TimeUnit.SECONDS).getTTL());
      assertEquals(1, client.getClusterClient().listMember().get(10, TimeUnit.SECONDS).getMembers().size());
    }
  }

  @Test
  void namespacePrefixesEveryKey() throws Exception {
    try (GrpcProxy ns = start("--endpoints=" + member.endpoint(), "--namespace=tenant/")) {
      String via = "127.0.0.1:" + ns.port();
      ok(Etcdctl.run(via, null, "put", "k1", "v1"));
      ok(Etcdctl.run(via, null, "put", "k2", "v2"));
      assertEquals("tenant/k1\nv1\ntenant/k2\nv2\n", ok(Etcdctl.run(member.endpoint(), null, "get", "tenant/", "--prefix")));
      assertEquals("k1\nv1\nk2\nv2\n", ok(Etcdctl.run(via, null, "get", "", "--from-key")), "from-key ends at the namespace's end");
      assertEquals("k1\nv1\n", ok(Etcdctl.run(via, "value(\"k1\") = \"v1\"\n\nget k1\n\n\n", "txn")).replace("SUCCESS\n\n", ""));
      Etcdctl.Result deleted = Etcdctl.run(via, null, "del", "k", "--prefix", "--prev-kv");
      assertEquals("2\nk1\nv1\nk2\nv2\n", ok(deleted));
      assertEquals("", ok(Etcdctl.run(member.endpoint(), null, "get", "tenant/", "--prefix")));
      long rev = number(ok(Etcdctl.run(member.endpoint(), null, "put", "tenant/w", "x", "-w", "json")), "revision");
      try (Etcdctl.Running w = Etcdctl.start(via, "watch", "w", "--rev", Long.toString(rev))) {
        assertEquals("PUT\nw\nx\n", w.awaitLines(3, 20_000));
      }
    }
  }

  @Test
  void carriesTheClientsTokenToTheMember() throws Exception {
    try (TestMember secured = TestMember.start();
        GrpcProxy p = start("--endpoints=" + secured.endpoint())) {
      String direct = secured.endpoint();
      String via = "127.0.0.1:" + p.port();
      // clientv3 authenticates within its dial timeout: let bcrypt take its time on a loaded machine
      String login = "--dial-timeout=30s";
      // the proxy's channels connect lazily (seconds on a loaded machine) before the clock matters
      ok(Etcdctl.run(via, null, "--command-timeout=30s", "get", "warm-up"));
      ok(Etcdctl.run(direct, null, "user", "add", "root:rootpw"));
      ok(Etcdctl.run(direct, null, "user", "grant-role", "root", "root"));
      ok(Etcdctl.run(direct, null, "user", "add", "alice:alicepw"));
      ok(Etcdctl.run(direct, null, "auth", "enable"));
      assertEquals("OK\n", ok(Etcdctl.run(via, null, login, "--user=root:rootpw", "put", "guarded", "v")));
      Etcdctl.Result anonymous = Etcdctl.run(via, null, "get", "guarded");
      assertTrue(anonymous.stderr().contains("etcdserver: user name is empty"), anonymous.stderr());
      Etcdctl.Result alice = Etcdctl.run(via, null, login, "--user=alice:alicepw", "get", "guarded");
      assertTrue(alice.stderr().contains("etcdserver: permission denied"), alice.stderr());
      long rev = number(ok(Etcdctl.run(via, null, login, "--user=root:rootpw", "get", "guarded", "-w", "json")), "mod_revision");
      // a stream carries the token too: root's watch is admitted and reads history
      try (Etcdctl.Running w = Etcdctl.start(via, login, "--user=root:rootpw", "watch", "guarded", "--rev", Long.toString(rev))) {
        assertEquals("PUT\nguarded\nv\n", w.awaitLines(3, 20_000));
      }
    }
  }

  @Test
  void skipsAnEndpointThatIsDownAndRegistersUnderTheResolverPrefix() throws Exception {
    String down = "127.0.0.1:" + RealEtcd.freePort();
    try (GrpcProxy p = start("--endpoints=" + down + "," + member.endpoint(), "--resolver-prefix=proxies",
        "--resolver-ttl=5", "--advertise-client-url=127.0.0.1:1111")) {
      String via = "127.0.0.1:" + p.port();
      for (int i = 0; i < 6; i++) {
        assertEquals("OK\n", ok(Etcdctl.run(via, null, "put", "rr/" + i, "v")), "round-robin passes over the dead endpoint");
      }
      // the registration is a leased key holding etcd's endpoint update; MemberList reads the proxies from it
      String hostname = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
      String expected = "0, started, " + hostname + ", , 127.0.0.1:1111, false\n";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      String registered = "";
      while (registered.isEmpty() && System.nanoTime() < deadline) {
        registered = ok(Etcdctl.run(member.endpoint(), null, "get", "proxies/", "--prefix", "--print-value-only"));
        if (registered.isEmpty()) Thread.sleep(100);
      }
      assertEquals("{\"Op\":0,\"Addr\":\"127.0.0.1:1111\",\"Metadata\":\"{\\\"name\\\":\\\"" + hostname + "\\\"}\"}\n", registered);
      assertEquals(expected, ok(Etcdctl.run(via, null, "member", "list")));
    }
    assertEquals("", ok(Etcdctl.run(member.endpoint(), null, "get", "proxies/", "--prefix")), "a stopped proxy revokes its lease");
  }

  @Test
  void servesTlsAndDialsTlsMembersWithAnEmptyCommonNameCertificate(@TempDir Path dir) throws Exception {
    TestCerts ca = TestCerts.authority(dir, "ca");
    Path[] server = ca.issue("server", "server");
    Path[] proxyClient = ca.issueSubject("proxy-client", "/O=proxy");
    Path[] namedClient = ca.issue("named", "example.com");
    int port = RealEtcd.freePort();
    try (TestMember secure = TestMember.start(Map.of(
        "akka-etcd.listen-client-urls", "https://127.0.0.1:" + port,
        "akka-etcd.cert-file", server[0].toString(), "akka-etcd.key-file", server[1].toString(),
        "akka-etcd.trusted-ca-file", ca.caCert().toString(), "akka-etcd.client-cert-auth", true))) {
      String endpoint = "https://127.0.0.1:" + port;
      EtcdConfigException refused = assertThrows(EtcdConfigException.class, () -> start("--endpoints=" + endpoint,
          "--cert=" + namedClient[0], "--key=" + namedClient[1], "--cacert=" + ca.caCert()));
      assertEquals("cert has non empty Common Name (example.com)", refused.getMessage());

      try (GrpcProxy tls = start("--endpoints=" + endpoint, "--cert=" + proxyClient[0], "--key=" + proxyClient[1],
          "--cacert=" + ca.caCert(), "--cert-file=" + server[0], "--key-file=" + server[1],
          "--listen-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")) {
        String via = "https://127.0.0.1:" + tls.port();
        ok(Etcdctl.run(via, null, "--cacert=" + ca.caCert(), "put", "secure", "yes"));
        assertEquals("secure\nyes\n", ok(Etcdctl.run(via, null, "--cacert=" + ca.caCert(), "get", "secure")));
        Etcdctl.Result plain = Etcdctl.run("127.0.0.1:" + tls.port(), null, "--command-timeout=3s", "get", "secure");
        assertTrue(plain.exitCode() != 0, "a plaintext client is not served on the TLS listener");
      }
    }
  }
}
