package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * /metrics as Prometheus and etcd's dashboards read it: every series etcd-mixin's alerts query that a
 * single member can have, counting real calls, in a format promtool accepts; the same on a
 * --listen-metrics-urls listener, which serves nothing but metrics and health.
 */
class MetricsEndpointTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  /** etcd-mixin's alert rules, less {@code up} (Prometheus's own) and the peer series (3 members). */
  private static final List<String> ALERTED = List.of("etcd_server_has_leader",
      "etcd_server_leader_changes_seen_total", "grpc_server_handled_total", "etcd_server_proposals_failed_total",
      "etcd_disk_wal_fsync_duration_seconds_bucket", "etcd_disk_backend_commit_duration_seconds_bucket",
      "etcd_mvcc_db_total_size_in_bytes", "etcd_server_quota_backend_bytes");
  private static TestMember member;
  private static int metricsPort;

  @BeforeAll
  static void start() throws Exception {
    metricsPort = RealEtcd.freePort();
    member = TestMember.start(Map.of("akka-etcd.listen-metrics-urls", "http://127.0.0.1:" + metricsPort));
  }

  @AfterAll
  static void stop() throws Exception {
    if (member != null) {
      member.close();
    }
  }

  @Test
  void seriesCountCallsWithEtcdsNamesAndLabels() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertEquals(0, Etcdctl.run(member.endpoint(), null, "put", "k" + i, "v").exitCode());
    }
    assertEquals(0, Etcdctl.run(member.endpoint(), null, "get", "k0").exitCode());
    Etcdctl.run(member.endpoint(), null, "get", "k0", "--rev", "99");  // OutOfRange

    String text = get(member.endpoint() + "/metrics").body();
    for (String name : ALERTED) {
      assertTrue(Pattern.compile("(?m)^" + name + "[{ ]").matcher(text).find(), name + " missing:\n" + text);
    }
    assertTrue(sample(text, "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Put\","
        + "grpc_service=\"etcdserverpb.KV\",grpc_type=\"unary\"}") >= 3, text);
    assertEquals(1, sample(text, "grpc_server_handled_total{grpc_code=\"OutOfRange\",grpc_method=\"Range\","
        + "grpc_service=\"etcdserverpb.KV\",grpc_type=\"unary\"}"));
    assertEquals(1, sample(text, "etcd_server_is_leader"));
    assertTrue(sample(text, "etcd_debugging_mvcc_current_revision") >= 4);
    assertTrue(sample(text, "etcd_disk_wal_fsync_duration_seconds_count") >= 3, "every put was fsynced");
  }

  @Test
  void promtoolAcceptsTheExposition() throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    Assumptions.assumeTrue(Files.isExecutable(promtool), "promtool (Debian's prometheus) is not installed");
    Path file = Files.createTempFile("metrics", ".txt");
    try {
      Files.writeString(file, get(member.endpoint() + "/metrics").body());
      Process p = new ProcessBuilder(promtool.toString(), "check", "metrics")
          .redirectInput(file.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      // promtool exits 1 for lint advice too (e.g. a counter without _total); only errors count here.
      assertTrue(p.exitValue() == 0 || !out.contains("error"), out);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void theMetricsListenerServesMetricsAndHealthOnly() throws Exception {
    String base = "http://127.0.0.1:" + metricsPort;
    HttpResponse<String> metrics = get(base + "/metrics");
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.body().contains("etcd_server_has_leader"));
    assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
    assertEquals(200, get(base + "/health").statusCode());
    assertEquals(404, get(base + "/v3/kv/range").statusCode(), "no gateway on the metrics listener");
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static double sample(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    assertTrue(m.find(), series + " not in:\n" + text);
    return Double.parseDouble(m.group(1));
  }
}
