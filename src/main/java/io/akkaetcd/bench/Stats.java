package io.akkaetcd.bench;

import io.grpc.StatusRuntimeException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What the workers record: latencies of successful requests in nanoseconds (HdrHistogram, 3
 * significant digits, wait-free recording from any thread) and failures grouped by gRPC status code
 * and message, as etcd's report groups them by error text.
 */
public final class Stats {
  private final ConcurrentHistogram histogram = new ConcurrentHistogram(3);
  private final ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final LongAdder completed = new LongAdder();

  public void ok(long nanos) {
    histogram.recordValue(Math.max(1, nanos));
    completed.increment();
  }

  public void error(Throwable t) {
    errors.computeIfAbsent(describe(t), k -> new LongAdder()).increment();
    completed.increment();
  }

  public void error(String description) {
    errors.computeIfAbsent(description, k -> new LongAdder()).increment();
    completed.increment();
  }

  /** Successes and failures so far (for the progress bar). */
  public long completed() {
    return completed.sum();
  }

  public Histogram snapshot() {
    return histogram.copy();
  }

  public Map<String, Long> errorCounts() {
    Map<String, Long> m = new TreeMap<>();
    errors.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  public void reset() {
    histogram.reset();
    errors.clear();
    completed.reset();
  }

  /** "UNAVAILABLE: etcdserver: no leader" for gRPC failures, else the exception's class and text. */
  static String describe(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null)
      t = t.getCause();
    if (t instanceof StatusRuntimeException sre) {
      String d = sre.getStatus().getDescription();
      Throwable cause = sre.getStatus().getCause();
      if (d == null && cause != null) d = cause.toString();
      return sre.getStatus().getCode() + ": " + (d == null ? "" : d);
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
