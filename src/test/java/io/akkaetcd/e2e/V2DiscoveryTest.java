package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --discovery URL} (etcd 3.4's v2 discovery) with real etcd 3.4 ({@code --enable-v2}) as the
 * discovery service: a token directory with {@code _config/size} 3, three members started with the URL
 * only (one through {@code ETCD_DISCOVERY}), which register and form one cluster; a fourth finds the
 * cluster full and exits.
 */
class V2DiscoveryTest {
  @TempDir Path dir;

  /**
   * --discovery-proxy: with Debian's tinyproxy in between, registering and reading the token go through
   * the proxy (its log shows the requests) and the cluster comes back as the discovery service holds it.
   */
  @Test
  void discoveryTrafficGoesThroughTheDiscoveryProxy() throws Exception {
    assumeTrue(Files.isExecutable(Path.of(RealEtcd.BINARY)), "real etcd 3.4 (apt-get install etcd-server)");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/tinyproxy")), "Debian's tinyproxy (apt-get install tinyproxy-bin)");
    int proxyPort = RealEtcd.freePort();
    Path log = dir.resolve("tinyproxy.log");
    Path conf = dir.resolve("tinyproxy.conf");
    Files.writeString(conf, "Port " + proxyPort + "\nListen 127.0.0.1\nTimeout 60\nLogFile \"" + log + "\"\n"
        + "LogLevel Info\nMaxClients 8\nAllow 127.0.0.1\n");
    Process proxy = new ProcessBuilder("/usr/bin/tinyproxy", "-d", "-c", conf.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("tinyproxy.out").toFile()).start();
    try (RealEtcd discovery = RealEtcd.start("--enable-v2")) {
      awaitListening(proxyPort, proxy);
      String token = "/proxied" + Long.toHexString(System.nanoTime());
      HttpClient http = HttpClient.newHttpClient();
      http.send(HttpRequest.newBuilder(URI.create(discovery.endpoint() + "/v2/keys" + token + "/_config/size"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .PUT(HttpRequest.BodyPublishers.ofString("value=1")).build(), HttpResponse.BodyHandlers.ofString());
      List<java.time.Duration> waits = new ArrayList<>();
      String cluster = io.akkaetcd.discovery.V2Discovery.joinCluster(discovery.endpoint() + token,
          "127.0.0.1:" + proxyPort, 0xabcdefL, "infra0=http://127.0.0.1:2380", waits::add);
      assertEquals("infra0=http://127.0.0.1:2380", cluster);
      assertEquals(List.of(), waits, "no retries");
      String proxied = Files.readString(log);
      assertTrue(proxied.contains("PUT http://127.0.0.1:" + discovery.port() + "/v2/keys" + token + "/abcdef"), proxied);
      assertTrue(proxied.contains("GET http://127.0.0.1:" + discovery.port() + "/v2/keys" + token + "/_config/size"), proxied);
    } finally {
      proxy.destroy();
      proxy.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  private static void awaitListening(int port, Process proxy) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (java.io.IOException notYet) {
        if (!proxy.isAlive() || System.nanoTime() > deadline) throw new IllegalStateException("tinyproxy did not start");
        Thread.sleep(50); // between polls of the condition
      }
    }
  }

  @Test
  void threeMembersBootstrapFromOneDiscoveryUrl() throws Exception {
    assumeTrue(Files.isExecutable(Path.of(RealEtcd.BINARY)), "real etcd 3.4 (apt-get install etcd-server)");
    HttpClient http = HttpClient.newHttpClient();
    List<ProcessMember> members = new ArrayList<>();
    try (RealEtcd discovery = RealEtcd.start("--enable-v2")) {
      String token = "/tok" + Long.toHexString(System.nanoTime());
      String durl = discovery.endpoint() + token;
      HttpResponse<String> size = http.send(HttpRequest.newBuilder(URI.create(discovery.endpoint() + "/v2/keys" + token
              + "/_config/size")).header("Content-Type", "application/x-www-form-urlencoded")
          .PUT(HttpRequest.BodyPublishers.ofString("value=3")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(201, size.statusCode(), size.body());

      List<String> endpoints = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String client = "http://127.0.0.1:" + RealEtcd.freePort();
        String peer = "http://127.0.0.1:" + RealEtcd.freePort();
        endpoints.add(client);
        List<String> args = new ArrayList<>(List.of("--name", "infra" + i, "--data-dir", dir.resolve("d" + i).toString(),
            "--listen-client-urls", client, "--advertise-client-urls", client,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--discovery-fallback", "exit"));
        ProcessMember m = ProcessMember.withArgs("infra" + i, args);
        if (i == 1) {
          m.withEnv("ETCD_DISCOVERY", durl);
        } else {
          m.withFlags("--discovery", durl);
        }
        members.add(m);
        if (i < 3) m.launch();
      }
      for (int i = 0; i < 3; i++) members.get(i).awaitReady(120);

      Etcdctl.Result list = Etcdctl.run(endpoints.get(0), null, "member", "list");
      assertEquals(0, list.exitCode(), list.stderr());
      assertEquals(3, list.stdout().strip().split("\n").length, list.stdout());
      Set<String> ids = new TreeSet<>();
      for (String line : list.stdout().strip().split("\n")) ids.add(line.split(", ")[0]);
      for (int i = 0; i < 3; i++) assertTrue(list.stdout().contains("started, infra" + i + ", "), list.stdout());

      // each registered under its member ID, the ID the cluster reports
      JsonNode dirListing = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(
          URI.create(discovery.endpoint() + "/v2/keys" + token)).build(), HttpResponse.BodyHandlers.ofString()).body());
      Set<String> registered = new TreeSet<>();
      dirListing.path("node").path("nodes").forEach(n -> {
        String key = n.path("key").asText();
        if (!key.endsWith("/_config")) registered.add(key.substring(key.lastIndexOf('/') + 1));
      });
      assertEquals(ids, registered);

      Etcdctl.Result put = Etcdctl.run(endpoints.get(0), null, "put", "k", "discovered");
      assertEquals(0, put.exitCode(), put.stderr());
      Etcdctl.Result get = Etcdctl.run(endpoints.get(2), null, "get", "k", "--print-value-only");
      assertEquals("discovered\n", get.stdout(), get.stderr());

      ProcessMember late = members.get(3);
      late.launch();
      assertEquals(1, late.awaitExit(60), late.output());
      assertTrue(late.output().contains("discovery: cluster is full"), late.output());
    } finally {
      for (ProcessMember m : members) m.close();
    }
  }
}
