package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The same etcdctl calls against real etcd 3.4.23 and a member: etcd's mvcc counters (ranges, puts,
 * deletes, txns as etcd's metrics_txn.go counts them, including the range a prev_kv put makes and the
 * read transaction a txn's compares run in), the live key count, grpc message counters, and the
 * versions (/version, Status, etcd_server_version, etcd_cluster_version) must read the same on both;
 * then, with a watch open, the watch gauges, the compaction and hash histograms' counts, and the
 * grpc_server_* series etcd creates at 0 for every method of its services.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsParityTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  /** A watch whose client goes away (etcdctl stopped) ends Canceled, as go-grpc-prometheus counts it. */
  private static final String WATCH_CANCELED = "grpc_server_handled_total{grpc_code=\"Canceled\",grpc_method=\"Watch\","
      + "grpc_service=\"etcdserverpb.Watch\",grpc_type=\"bidi_stream\"}";
  private static final List<String> SERIES = List.of("etcd_mvcc_range_total", "etcd_mvcc_put_total",
      "etcd_mvcc_delete_total", "etcd_mvcc_txn_total", "etcd_debugging_mvcc_range_total",
      "etcd_debugging_mvcc_put_total", "etcd_debugging_mvcc_delete_total", "etcd_debugging_mvcc_txn_total",
      "etcd_debugging_mvcc_keys_total", "etcd_debugging_mvcc_total_put_size_in_bytes",
      "etcd_server_version{server_version=\"3.4.23\"}", "etcd_cluster_version{cluster_version=\"3.4\"}",
      grpc("msg_received", "unary", "KV", "Put"), grpc("msg_sent", "unary", "KV", "Put"),
      grpc("msg_received", "unary", "KV", "Range"), grpc("msg_sent", "unary", "KV", "Range"),
      grpc("msg_received", "unary", "KV", "Txn"), grpc("msg_sent", "unary", "KV", "DeleteRange"),
      grpc("msg_received", "unary", "Lease", "LeaseRevoke"),
      grpc("msg_received", "bidi_stream", "Watch", "Watch"), grpc("msg_sent", "bidi_stream", "Watch", "Watch"),
      WATCH_CANCELED);
  @RegisterExtension
  static final SideBySideExtension pair = new SideBySideExtension(Map.of());

  @Test
  @Order(1)
  void countersAndVersionsReadAsRealEtcds() throws Exception {
    for (String endpoint : List.of(pair.etcd().endpoint(), pair.ours().endpoint())) {
      exercise(endpoint);
    }
    String etcd = afterTheWatchEnded(pair.etcd().endpoint());
    String ours = afterTheWatchEnded(pair.ours().endpoint());
    for (String series : SERIES) {
      assertEquals(sample(etcd, series), sample(ours, series), series);
    }
    assertTrue(Double.parseDouble(sample(ours, "etcd_mvcc_txn_total")) > 0, "the calls made txns");
    assertEquals(get(pair.etcd().endpoint() + "/version"), get(pair.ours().endpoint() + "/version"));
    assertEquals(statusVersion(pair.etcd().endpoint()), statusVersion(pair.ours().endpoint()));
  }

  /** Read with one watch open, after the first test's watch ended, puts it saw, a compaction and two hashes. */
  private static final List<String> WATCH_AND_MVCC = List.of("etcd_debugging_mvcc_watch_stream_total",
      "etcd_debugging_mvcc_watcher_total", "etcd_debugging_mvcc_slow_watcher_total",
      "etcd_debugging_mvcc_events_total", "etcd_debugging_mvcc_pending_events_total",
      "etcd_debugging_mvcc_index_compaction_pause_duration_milliseconds_count",
      "etcd_debugging_mvcc_db_compaction_total_duration_milliseconds_count",
      "etcd_mvcc_hash_duration_seconds_count", "etcd_mvcc_hash_rev_duration_seconds_count");

  @Test
  @Order(2)
  void watchGaugesMvccHistogramsAndPreCreatedGrpcSeriesReadAsRealEtcds() throws Exception {
    List<Etcdctl.Running> watches = new java.util.ArrayList<>();
    try {
      for (String endpoint : List.of(pair.etcd().endpoint(), pair.ours().endpoint())) {
        Etcdctl.Running watch = Etcdctl.start(endpoint, "watch", "w", "--prefix");
        watches.add(watch);
        awaitSample(endpoint, "etcd_debugging_mvcc_watcher_total", "1");
        ok(endpoint, null, "put", "w1", "a");
        ok(endpoint, null, "put", "w2", "b");
        assertTrue(watch.awaitLines(6, 15_000).endsWith("b\n"), watch.output());
        String rev = ok(endpoint, null, "get", "w2", "-w", "fields").lines()
            .filter(l -> l.startsWith("\"Revision\"")).findFirst().orElseThrow().split(" : ")[1];
        ok(endpoint, null, "compaction", "--physical", rev);
        ok(endpoint, null, "endpoint", "hashkv");
        HTTP.send(HttpRequest.newBuilder(URI.create(endpoint + "/v3/maintenance/hash"))
            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
      }
      String etcd = awaitSample(pair.etcd().endpoint(), "etcd_debugging_mvcc_pending_events_total", "0");
      String ours = awaitSample(pair.ours().endpoint(), "etcd_debugging_mvcc_pending_events_total", "0");
      for (String series : WATCH_AND_MVCC) {
        assertEquals(sample(etcd, series), sample(ours, series), series);
      }
      assertEquals("1", sample(ours, "etcd_debugging_mvcc_watch_stream_total"));
      assertEquals("1", sample(ours, "etcd_mvcc_hash_duration_seconds_count"));
      // every series go-grpc-prometheus created for etcd's services (grpc.health.v1 is not served here)
      Matcher m = Pattern.compile("(?m)^(grpc_server_(started|handled|msg_received|msg_sent)_total\\{[^}]*\\}) ")
          .matcher(etcd);
      int compared = 0;
      while (m.find()) {
        if (!m.group(1).contains("grpc.health.v1")) {
          assertTrue(ours.contains(m.group(1) + " "), m.group(1));
          compared++;
        }
      }
      assertTrue(compared > 39 * 17, "etcd's handled series alone are 39 methods by 17 codes: " + compared);
    } finally {
      for (Etcdctl.Running watch : watches) {
        watch.close();
      }
    }
  }

  /** The metrics once {@code series} reads {@code value} (or after 15 s, for the assertion to report). */
  private static String awaitSample(String endpoint, String series, String value) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
    String text = get(endpoint + "/metrics");
    while (!text.contains("\n" + series + " " + value + "\n") && System.nanoTime() < deadline) {
      Thread.sleep(50);
      text = get(endpoint + "/metrics");
    }
    return text;
  }

  /** Puts (plain, prev_kv, with a lease), reads, deletes, write and read-only txns, a revoke, a watch. */
  private static void exercise(String endpoint) {
    ok(endpoint, null, "put", "a", "1");
    ok(endpoint, null, "put", "a", "22", "--prev-kv");
    ok(endpoint, null, "put", "b", "333");
    ok(endpoint, null, "get", "a");
    ok(endpoint, null, "get", "", "--prefix");
    ok(endpoint, null, "del", "b", "--prev-kv");
    ok(endpoint, "value(\"a\") = \"22\"\nversion(\"a\") = \"2\"\n\nput c x\ndel a\n\nget a\n\n", "txn");
    ok(endpoint, "value(\"c\") = \"x\"\n\nget c\n\n\n", "txn");
    String lease = ok(endpoint, null, "lease", "grant", "60").split(" ")[1];
    ok(endpoint, null, "put", "d", "v", "--lease=" + lease);
    ok(endpoint, null, "lease", "revoke", lease);
    Etcdctl.run(endpoint, null, "put", "e", "--ignore-value");  // no such key: refused after its range
    try (Etcdctl.Running watch = Etcdctl.start(endpoint, "watch", "c", "--rev", "1")) {
      assertTrue(watch.awaitLines(3, 15_000).endsWith("x\n"), watch.output());
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The metrics once the server has counted the watch's end (it learns of it after etcdctl exits). */
  private static String afterTheWatchEnded(String endpoint) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
    String text = get(endpoint + "/metrics");
    while (!text.contains(WATCH_CANCELED + " 1") && System.nanoTime() < deadline) {
      Thread.sleep(50);
      text = get(endpoint + "/metrics");
    }
    return text;
  }

  private static String ok(String endpoint, String stdin, String... args) {
    Etcdctl.Result r = Etcdctl.run(endpoint, stdin, args);
    assertEquals(0, r.exitCode(), String.join(" ", args) + ": " + r.stderr());
    return r.stdout();
  }

  private static String statusVersion(String endpoint) {
    Matcher m = Pattern.compile("\"version\":\"([^\"]+)\"").matcher(ok(endpoint, null, "endpoint", "status", "-w", "json"));
    assertTrue(m.find());
    return m.group(1);
  }

  private static String grpc(String counter, String type, String service, String method) {
    return "grpc_server_" + counter + "_total{grpc_method=\"" + method + "\",grpc_service=\"etcdserverpb." + service
        + "\",grpc_type=\"" + type + "\"}";
  }

  private static String get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static String sample(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    assertTrue(m.find(), series + " not in:\n" + text);
    return m.group(1);
  }
}
