package io.akkaetcd.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.akkaetcd.server.EtcdServer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Three members as actor systems in one JVM, talking over Artery on loopback. */
class InJvmClusterTest {

  private static ByteSequence bs(String s) {
    return ByteSequence.from(s, UTF_8);
  }

  @Test
  void threeMembersElectOneLeaderAndReplicateWritesToAll() throws Exception {
    try (InJvmCluster cluster = new InJvmCluster(3, Map.of())) {
      List<EtcdServer> members = cluster.members;
      // Write through each member in turn (followers forward to the leader), read from all.
      for (int i = 0; i < 30; i++) {
        EtcdServer through = members.get(i % 3);
        try (Client c = Client.builder().endpoints("http://127.0.0.1:" + through.clientPort()).build()) {
          c.getKVClient().put(bs("c/" + i), bs("v" + i)).get(10, TimeUnit.SECONDS);
        }
      }
      for (EtcdServer m : members) {
        try (Client c = Client.builder().endpoints("http://127.0.0.1:" + m.clientPort()).build()) {
          var all = c.getKVClient().get(bs("c/"), GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS);
          assertEquals(30, all.getCount(), "a linearizable read on every member sees every acknowledged write");
          assertEquals(31, all.getHeader().getRevision());
          var members3 = c.getClusterClient().listMember().get(10, TimeUnit.SECONDS).getMembers();
          assertEquals(3, members3.size());
          assertTrue(members3.stream().allMatch(mm -> !mm.getClientURIs().isEmpty()),
              "every member published its client URLs");
        }
      }

      // /metrics: every member sees a leader, and exactly one is it (Prometheus alerts use these).
      int leaders = 0;
      for (EtcdServer m : members) {
        String metrics = httpGet("http://127.0.0.1:" + m.clientPort() + "/metrics");
        // The Prometheus client writes gauges as floats ("1.0"), client_golang as etcd does ("1").
        assertTrue(metrics.matches("(?s).*\netcd_server_has_leader 1(\\.0)?\n.*"), metrics);
        leaders += metrics.matches("(?s).*\netcd_server_is_leader 1(\\.0)?\n.*") ? 1 : 0;
        java.util.regex.Matcher fsyncs =
            java.util.regex.Pattern.compile("\netcd_disk_wal_fsync_duration_seconds_count (\\d+)\n").matcher(metrics);
        assertTrue(fsyncs.find(), metrics);
        assertTrue(Long.parseLong(fsyncs.group(1)) > 0, "every member fsynced its WAL: " + fsyncs.group());
      }
      assertEquals(1, leaders, "exactly one member reports etcd_server_is_leader 1");

      // The members form an Akka Cluster: each sees both others as active peers, labelled as etcd does.
      for (EtcdServer m : members) {
        String local = Long.toHexString(m.memberId());
        java.util.List<String> expected = members.stream().filter(o -> o != m)
            .map(o -> "etcd_network_active_peers{Local=\"" + local + "\",Remote=\"" + Long.toHexString(o.memberId())
                + "\"} 1\n").toList();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String metrics = httpGet("http://127.0.0.1:" + m.clientPort() + "/metrics");
        while (!expected.stream().allMatch(metrics::contains) && System.nanoTime() < deadline) {
          Thread.sleep(100);
          metrics = httpGet("http://127.0.0.1:" + m.clientPort() + "/metrics");
        }
        for (String line : expected) {
          assertTrue(metrics.contains(line), line + " in\n" + metrics);
        }
        assertTrue(metrics.contains("# TYPE etcd_network_disconnected_peers_total counter\n"), metrics);
      }
    }
  }

  private static String httpGet(String url) throws Exception {
    // HTTP/1.1 as Prometheus scrapes; Java's default h2c upgrade once failed here on a large /metrics body (noted)
    java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1).build().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), url);
    return response.body();
  }
}
