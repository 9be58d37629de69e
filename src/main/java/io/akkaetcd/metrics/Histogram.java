package io.akkaetcd.metrics;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * A latency histogram with client_golang's exponential buckets, in seconds or (etcd's mvcc
 * compaction series) whole milliseconds, registered in a member's registry: the Prometheus client
 * keeps the counts and writes the exposition.
 */
public final class Histogram {
  private final io.prometheus.metrics.core.metrics.Histogram histogram;

  private Histogram(io.prometheus.metrics.core.metrics.Histogram histogram) {
    this.histogram = histogram;
  }

  /** Bounds {@code start, start*factor, ...}, {@code count} of them (client_golang's ExponentialBuckets). */
  public static Histogram exponential(PrometheusRegistry registry, String name, String help, double start,
      double factor, int count) {
    return new Histogram(io.prometheus.metrics.core.metrics.Histogram.builder()
        .name(name).help(help)
        .classicOnly()
        .classicExponentialUpperBounds(start, factor, count)
        .register(registry));
  }

  /** etcd's etcd_disk_wal_fsync_duration_seconds: 1 ms to ~8 s. */
  public static Histogram walFsync(PrometheusRegistry registry) {
    return exponential(registry, "etcd_disk_wal_fsync_duration_seconds",
        "The latency distributions of fsync called by WAL.", 0.001, 2, 14);
  }

  public void observeNanos(long nanos) {
    histogram.observe(nanos / 1e9);
  }

  /** In milliseconds, truncated as etcd's {@code float64(time.Since(start) / time.Millisecond)}. */
  public void observeWholeMillis(long nanos) {
    histogram.observe(nanos / 1_000_000);
  }

  /** How many observations so far. */
  public long count() {
    return histogram.collect().getDataPoints().stream().mapToLong(p -> p.getCount()).sum();
  }
}
