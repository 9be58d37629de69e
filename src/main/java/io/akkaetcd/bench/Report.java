package io.akkaetcd.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The report etcd's benchmark prints (Summary, response time histogram, latency distribution, error
 * distribution), computed from an HdrHistogram of nanoseconds, plus a JSON form and a one-line
 * {@code RESULT ...} summary for scripts. Values come from the histogram, so they carry its 3
 * significant digits (0.1%).
 */
public final class Report {
  public static final double[] PERCENTILES = {10, 25, 50, 75, 90, 95, 99, 99.9};
  static final int BUCKETS = 10;

  public final String op;
  public final long ok;
  public final long errors;
  public final double totalSec;
  public final double fastestSec, slowestSec, averageSec, stddevSec;
  /** Successful requests per second, as etcd counts it. */
  public final double rps;
  /** Seconds at each of {@link #PERCENTILES}. */
  public final double[] percentileSec = new double[PERCENTILES.length];
  /** Upper bounds (seconds) and counts of etcd's 10 equal-width buckets from fastest to slowest. */
  public final double[] bucketSec = new double[BUCKETS + 1];
  public final long[] bucketCount = new long[BUCKETS + 1];
  public final Map<String, Long> errorDist;
  /** Extra key=value pairs for the RESULT line and JSON (conns, clients, ...), in order. */
  public final Map<String, Object> params = new LinkedHashMap<>();
  /** Extra lines printed after the summary (e.g. watch's put-send to event latency). */
  public final List<String> notes = new ArrayList<>();

  public Report(String op, Histogram h, Map<String, Long> errorDist, long elapsedNanos) {
    this.op = op;
    this.ok = h.getTotalCount();
    this.errorDist = errorDist;
    long e = 0;
    for (long v : errorDist.values()) e += v;
    this.errors = e;
    this.totalSec = elapsedNanos / 1e9;
    this.rps = totalSec > 0 ? ok / totalSec : 0;
    if (ok == 0) {
      fastestSec = slowestSec = averageSec = stddevSec = 0;
      return;
    }
    fastestSec = h.getMinValue() / 1e9;
    slowestSec = h.getMaxValue() / 1e9;
    averageSec = h.getMean() / 1e9;
    stddevSec = h.getStdDeviation() / 1e9;
    for (int i = 0; i < PERCENTILES.length; i++)
      percentileSec[i] = h.getValueAtPercentile(PERCENTILES[i]) / 1e9;

    double width = (slowestSec - fastestSec) / BUCKETS;
    for (int i = 0; i < BUCKETS; i++) bucketSec[i] = fastestSec + width * i;
    bucketSec[BUCKETS] = slowestSec;
    // Like etcd: a latency goes into the first bucket whose bound it does not exceed.
    int bi = 0;
    for (HistogramIterationValue v : h.recordedValues()) {
      double sec = h.lowestEquivalentValue(v.getValueIteratedTo()) / 1e9;
      sec = Math.min(sec, slowestSec);
      while (bi < BUCKETS && sec > bucketSec[bi]) bi++;
      bucketCount[bi] += v.getCountAtValueIteratedTo();
    }
  }

  /**
   * Notes the benchmark process's own CPU time over the run, so a reader can tell whether the tool
   * (sharing the machine with the server) was the bottleneck.
   */
  public Report clientCpu(long cpuNanos, long requests) {
    if (cpuNanos < 0 || requests <= 0) return this;
    double cores = totalSec > 0 ? cpuNanos / 1e9 / totalSec : 0;
    double usPerReq = cpuNanos / 1e3 / requests;
    params.put("client_cpu_cores", Math.round(cores * 100) / 100.0);
    params.put("client_cpu_us_per_req", Math.round(usPerReq * 10) / 10.0);
    notes.add("  Client CPU:	" + fmt("%.2f", cores) + " cores, " + fmt("%.1f", usPerReq) + " µs/request");
    return this;
  }

  /** CPU time used by this JVM so far, or -1 when the platform does not say. */
  public static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuTime();
    return -1;
  }

  public Report param(String k, Object v) {
    params.put(k, v);
    return this;
  }

  public double percentileMs(double p) {
    for (int i = 0; i < PERCENTILES.length; i++) if (PERCENTILES[i] == p) return percentileSec[i] * 1e3;
    throw new IllegalArgumentException("no percentile " + p);
  }

  /** etcd's text report. */
  public String text() {
    StringBuilder s = new StringBuilder();
    if (ok > 0) {
      s.append("\nSummary:\n");
      s.append("  Total:\t").append(sec(totalSec)).append(".\n");
      s.append("  Slowest:\t").append(sec(slowestSec)).append(".\n");
      s.append("  Fastest:\t").append(sec(fastestSec)).append(".\n");
      s.append("  Average:\t").append(sec(averageSec)).append(".\n");
      s.append("  Stddev:\t").append(sec(stddevSec)).append(".\n");
      s.append("  Requests/sec:\t").append(fmt("%.4f", rps)).append("\n");
      for (String n : notes) s.append(n).append("\n");

      long max = 0;
      for (long c : bucketCount) max = Math.max(max, c);
      s.append("\nResponse time histogram:\n");
      for (int i = 0; i <= BUCKETS; i++) {
        int bar = max > 0 ? (int) (bucketCount[i] * 40 / max) : 0;
        s.append("  ").append(fmt("%.4f", bucketSec[i])).append(" [").append(bucketCount[i]).append("]\t|")
            .append("∎".repeat(bar)).append("\n");
      }

      s.append("\nLatency distribution:\n");
      for (int i = 0; i < PERCENTILES.length; i++) {
        if (percentileSec[i] > 0)
          s.append("  ").append(pct(PERCENTILES[i])).append("% in ").append(sec(percentileSec[i])).append(".\n");
      }
    } else {
      s.append("\nSummary:\n  Total:\t").append(sec(totalSec)).append(".\n  no successful requests\n");
      for (String n : notes) s.append(n).append("\n");
    }
    if (!errorDist.isEmpty()) {
      s.append("\nError distribution:\n");
      errorDist.forEach((k, v) -> s.append("  [").append(v).append("]\t").append(k).append("\n"));
    }
    return s.toString();
  }

  /** One line for scripts: {@code RESULT op=put clients=100 ... rps=... p50_ms=... errors=...}. */
  public String resultLine() {
    StringBuilder s = new StringBuilder("RESULT op=").append(op);
    params.forEach((k, v) -> s.append(' ').append(k).append('=').append(v));
    s.append(" ok=").append(ok);
    s.append(" errors=").append(errors);
    s.append(" secs=").append(fmt("%.3f", totalSec));
    s.append(" rps=").append(fmt("%.1f", rps));
    s.append(" avg_ms=").append(fmt("%.3f", averageSec * 1e3));
    s.append(" p50_ms=").append(fmt("%.3f", percentileMs(50)));
    s.append(" p90_ms=").append(fmt("%.3f", percentileMs(90)));
    s.append(" p99_ms=").append(fmt("%.3f", percentileMs(99)));
    s.append(" p999_ms=").append(fmt("%.3f", percentileMs(99.9)));
    s.append(" max_ms=").append(fmt("%.3f", slowestSec * 1e3));
    return s.toString();
  }

  public String json() {
    StringBuilder s = new StringBuilder("{");
    s.append("\"op\":").append(q(op));
    params.forEach((k, v) -> s.append(',').append(q(k)).append(':').append(v instanceof Number ? v.toString() : q(String.valueOf(v))));
    s.append(",\"ok\":").append(ok).append(",\"errors\":").append(errors);
    s.append(",\"total_sec\":").append(num(totalSec));
    s.append(",\"rps\":").append(num(rps));
    s.append(",\"fastest_sec\":").append(num(fastestSec));
    s.append(",\"slowest_sec\":").append(num(slowestSec));
    s.append(",\"average_sec\":").append(num(averageSec));
    s.append(",\"stddev_sec\":").append(num(stddevSec));
    s.append(",\"percentiles_sec\":{");
    for (int i = 0; i < PERCENTILES.length; i++) {
      if (i > 0) s.append(',');
      s.append(q(pct(PERCENTILES[i]))).append(':').append(num(percentileSec[i]));
    }
    s.append("},\"histogram\":[");
    for (int i = 0; i <= BUCKETS; i++) {
      if (i > 0) s.append(',');
      s.append("{\"le_sec\":").append(num(bucketSec[i])).append(",\"count\":").append(bucketCount[i]).append('}');
    }
    s.append("],\"error_distribution\":{");
    boolean first = true;
    for (Map.Entry<String, Long> e : errorDist.entrySet()) {
      if (!first) s.append(',');
      first = false;
      s.append(q(e.getKey())).append(':').append(e.getValue());
    }
    s.append("},\"notes\":[");
    for (int i = 0; i < notes.size(); i++) s.append(i > 0 ? "," : "").append(q(notes.get(i).trim()));
    return s.append("]}").toString();
  }

  private static String sec(double v) {
    return fmt("%.4f", v) + " secs";
  }

  private static String pct(double p) {
    return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
  }

  private static String num(double v) {
    return Double.isFinite(v) ? fmt("%.9f", v) : "null";
  }

  static String fmt(String f, double v) {
    return String.format(Locale.ROOT, f, v);
  }

  static String q(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"').toString();
  }
}
