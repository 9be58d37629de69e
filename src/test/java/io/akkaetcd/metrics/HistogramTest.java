package io.akkaetcd.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HistogramTest {

  @Test
  void rendersCumulativeBucketsSumAndCountAsPrometheusDoes() {
    Histogram h = Histogram.exponential("x_seconds", "Some latency.", 0.001, 2, 3); // 1, 2, 4 ms
    h.observeNanos(500_000);     // 0.5 ms: le 0.001
    h.observeNanos(1_000_000);   // exactly 1 ms: le 0.001 (bounds are inclusive)
    h.observeNanos(3_000_000);   // le 0.004
    h.observeNanos(9_000_000);   // +Inf
    StringBuilder out = new StringBuilder();
    h.render(out);
    List<String> lines = out.toString().lines().toList();
    assertEquals(List.of(
        "# HELP x_seconds Some latency.",
        "# TYPE x_seconds histogram",
        "x_seconds_bucket{le=\"0.001\"} 2",
        "x_seconds_bucket{le=\"0.002\"} 2",
        "x_seconds_bucket{le=\"0.004\"} 3",
        "x_seconds_bucket{le=\"+Inf\"} 4"), lines.subList(0, 6));
    assertTrue(lines.get(6).startsWith("x_seconds_sum 0.0135"), lines.get(6));
    assertEquals("x_seconds_count 4", lines.get(7));
  }

  @Test
  void walFsyncHasEtcdsBuckets() {
    StringBuilder out = new StringBuilder();
    Histogram.walFsync().render(out);
    String text = out.toString();
    assertTrue(text.contains("etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.001\"} 0\n"), text);
    assertTrue(text.contains("etcd_disk_wal_fsync_duration_seconds_bucket{le=\"8.192\"} 0\n"), text);
    assertEquals(14 + 1, text.lines().filter(l -> l.contains("_bucket{")).count());
  }
}
