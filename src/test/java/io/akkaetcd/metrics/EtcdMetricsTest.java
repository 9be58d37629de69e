package io.akkaetcd.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class EtcdMetricsTest {

  private static EtcdMetrics metrics(boolean extensive) {
    return new EtcdMetrics("3.4.23", "3.4", 0x8e9e05c52164694dL, () -> 0xcdf818194e3a8c32L, 2147483648L, extensive);
  }

  /** The value of the one sample whose line starts with {@code series} (name and labels as printed). */
  private static double sample(String text, String series) {
    var m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    assertTrue(m.find(), series + " not in:\n" + text);
    return Double.parseDouble(m.group(1));
  }

  @Test
  void walFsyncIsAHistogramWithEtcdsBucketsAndInclusiveBounds() {
    EtcdMetrics m = metrics(false);
    m.walFsync().observeNanos(500_000);    // le 0.001
    m.walFsync().observeNanos(1_000_000);  // exactly 1 ms: le 0.001 (bounds are inclusive)
    m.walFsync().observeNanos(3_000_000);  // le 0.004
    m.walFsync().observeNanos(9_000_000_000L);  // +Inf
    String text = m.scrape();
    assertEquals(2, sample(text, "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.001\"}"));
    assertEquals(3, sample(text, "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.004\"}"));
    assertEquals(3, sample(text, "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"8.192\"}"));
    assertEquals(4, sample(text, "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"+Inf\"}"));
    assertEquals(4, sample(text, "etcd_disk_wal_fsync_duration_seconds_count"));
    assertEquals(14 + 1, text.lines().filter(l -> l.startsWith("etcd_disk_wal_fsync_duration_seconds_bucket{")).count());
  }

  @Test
  void grpcCallsCountByTypeServiceMethodAndCodeName() {
    EtcdMetrics m = metrics(false);
    m.grpc().start("unary", "etcdserverpb.KV/Range").handled(0);
    m.grpc().start("unary", "etcdserverpb.KV/Range").handled(11);
    m.grpc().start("bidi_stream", "etcdserverpb.Watch/Watch").handled(1);
    String text = m.scrape();
    assertEquals(2, sample(text,
        "grpc_server_started_total{grpc_method=\"Range\",grpc_service=\"etcdserverpb.KV\",grpc_type=\"unary\"}"));
    assertEquals(1, sample(text, "grpc_server_handled_total{grpc_code=\"OutOfRange\",grpc_method=\"Range\","
        + "grpc_service=\"etcdserverpb.KV\",grpc_type=\"unary\"}"));
    assertEquals(1, sample(text, "grpc_server_handled_total{grpc_code=\"Canceled\",grpc_method=\"Watch\","
        + "grpc_service=\"etcdserverpb.Watch\",grpc_type=\"bidi_stream\"}"));
    assertFalse(text.contains("grpc_server_handling_seconds"), "only with --metrics extensive, as etcd");

    EtcdMetrics extensive = metrics(true);
    extensive.grpc().start("unary", "etcdserverpb.KV/Put").handled(0);
    assertEquals(1, sample(extensive.scrape(), "grpc_server_handling_seconds_count{grpc_method=\"Put\","
        + "grpc_service=\"etcdserverpb.KV\",grpc_type=\"unary\"}"));
  }

  @Test
  void stateSeriesFollowTheLastSnapshotAndIdentitySeriesAreEtcds() {
    EtcdMetrics m = metrics(false);
    m.update(new EtcdMetrics.MemberSnapshot(true, false, false, 42, 7, 16384, 12000, 30, 29, 2));
    String text = m.scrape();
    assertEquals(1, sample(text, "etcd_server_has_leader"));
    assertEquals(0, sample(text, "etcd_server_is_leader"));
    assertEquals(42, sample(text, "etcd_debugging_mvcc_current_revision"));
    assertEquals(12000, sample(text, "etcd_mvcc_db_total_size_in_use_in_bytes"));
    assertEquals(30, sample(text, "etcd_server_proposals_committed_total"));
    assertEquals(2, sample(text, "etcd_server_leader_changes_seen_total"));
    assertEquals(1, sample(text, "etcd_server_version{server_version=\"3.4.23\"}"));
    assertEquals(1, sample(text, "etcd_server_id{server_id=\"8e9e05c52164694d\"}"));
    assertEquals(1, sample(text, "etcd_cluster_id{cluster_id=\"cdf818194e3a8c32\"}"));
    assertEquals(2147483648.0, sample(text, "etcd_server_quota_backend_bytes"));
    assertTrue(sample(text, "process_resident_memory_bytes") > 0, "the JVM's process series stand in for Go's");

    m.update(new EtcdMetrics.MemberSnapshot(false, false, false, 43, 7, 16384, 12000, 31, 31, 2));
    assertEquals(0, sample(m.scrape(), "etcd_server_has_leader"));
  }
}
