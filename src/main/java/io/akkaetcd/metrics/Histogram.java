package io.akkaetcd.metrics;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A Prometheus histogram of durations in seconds with fixed upper bounds, as etcd's client_golang
 * histograms: any thread observes, any thread renders the text exposition.
 */
public final class Histogram {
  private final String name;
  private final String help;
  private final double[] upperBounds;
  /** Observations per bucket, not cumulative; the last slot is +Inf. */
  private final AtomicLongArray buckets;
  private final DoubleAdder sum = new DoubleAdder();

  private Histogram(String name, String help, double[] upperBounds) {
    this.name = name;
    this.help = help;
    this.upperBounds = upperBounds;
    this.buckets = new AtomicLongArray(upperBounds.length + 1);
  }

  /** Bounds {@code start, start*factor, ...}, {@code count} of them (client_golang's ExponentialBuckets). */
  public static Histogram exponential(String name, String help, double start, double factor, int count) {
    double[] bounds = new double[count];
    for (int i = 0; i < count; i++) {
      bounds[i] = start * Math.pow(factor, i);
    }
    return new Histogram(name, help, bounds);
  }

  /** etcd's etcd_disk_wal_fsync_duration_seconds: 1 ms to ~8 s. */
  public static Histogram walFsync() {
    return exponential("etcd_disk_wal_fsync_duration_seconds",
        "The latency distributions of fsync called by WAL.", 0.001, 2, 14);
  }

  public void observeNanos(long nanos) {
    double seconds = nanos / 1e9;
    int i = 0;
    while (i < upperBounds.length && seconds > upperBounds[i]) {
      i++;
    }
    buckets.incrementAndGet(i);
    sum.add(seconds);
  }

  /** How many observations so far. */
  public long count() {
    long n = 0;
    for (int i = 0; i < buckets.length(); i++) n += buckets.get(i);
    return n;
  }

  /** Appends the text exposition: HELP, TYPE, cumulative buckets, sum and count. */
  public void render(StringBuilder out) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" histogram\n");
    long cumulative = 0;
    for (int i = 0; i < upperBounds.length; i++) {
      cumulative += buckets.get(i);
      out.append(name).append("_bucket{le=\"").append(formatBound(upperBounds[i])).append("\"} ")
          .append(cumulative).append('\n');
    }
    cumulative += buckets.get(upperBounds.length);
    out.append(name).append("_bucket{le=\"+Inf\"} ").append(cumulative).append('\n');
    out.append(name).append("_sum ").append(sum.sum()).append('\n');
    out.append(name).append("_count ").append(cumulative).append('\n');
  }

  /** As Go's strconv.FormatFloat(v, 'g', -1, 64) for these bounds: 0.001, 0.002, ..., 8.192. */
  private static String formatBound(double v) {
    String s = String.format(Locale.ROOT, "%.6f", v);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}
