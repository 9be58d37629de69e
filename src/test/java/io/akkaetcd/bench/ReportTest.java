package io.akkaetcd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ReportTest {
  private static final long MS = 1_000_000L;

  /** 1 ms, 2 ms, ..., 1000 ms: percentiles, mean and spread are known exactly. */
  private static Histogram oneToThousandMs() {
    Histogram h = new Histogram(3);
    for (long i = 1; i <= 1000; i++) h.recordValue(i * MS);
    return h;
  }

  private static void near(double expected, double actual) {
    // HdrHistogram keeps 3 significant digits: 0.1% of the value
    assertEquals(expected, actual, Math.abs(expected) * 1e-3 + 1e-9, "expected " + expected + " got " + actual);
  }

  @Test
  void summaryAndPercentiles() {
    Report r = new Report("put", oneToThousandMs(), Map.of(), 2_000_000_000L);
    assertEquals(1000, r.ok);
    assertEquals(0, r.errors);
    near(2.0, r.totalSec);
    near(500.0, r.rps); // successful requests / total seconds, as etcd
    near(0.001, r.fastestSec);
    near(1.0, r.slowestSec);
    near(0.5005, r.averageSec);
    near(Math.sqrt((1000.0 * 1000 - 1) / 12) / 1000, r.stddevSec); // population stddev of 1..1000 ms
    double[] want = {0.100, 0.250, 0.500, 0.750, 0.900, 0.950, 0.990, 0.999};
    for (int i = 0; i < want.length; i++) near(want[i], r.percentileSec[i]);
    near(500.0, r.percentileMs(50));
    near(990.0, r.percentileMs(99));
  }

  @Test
  void histogramHasEtcdsTenEqualBuckets() {
    Report r = new Report("put", oneToThousandMs(), Map.of(), 1_000_000_000L);
    long sum = 0;
    for (long c : r.bucketCount) sum += c;
    assertEquals(1000, sum);
    near(0.001, r.bucketSec[0]);
    near(1.0, r.bucketSec[Report.BUCKETS]);
    assertEquals(1, r.bucketCount[0]); // only the fastest is <= the first bound
    for (int i = 1; i <= Report.BUCKETS; i++) assertTrue(Math.abs(r.bucketCount[i] - 100) <= 2, "bucket " + i + ": " + r.bucketCount[i]);
  }

  @Test
  void textJsonAndResultLine() {
    Map<String, Long> errs = new TreeMap<>(Map.of("UNAVAILABLE: etcdserver: no leader", 3L));
    Report r = new Report("put", oneToThousandMs(), errs, 2_000_000_000L).param("clients", 100).param("conns", 1);
    String t = r.text();
    assertTrue(t.contains("Summary:\n  Total:\t2.0000 secs.\n"), t);
    assertTrue(t.contains("Requests/sec:\t500.0000"), t);
    assertTrue(t.contains("Response time histogram:"), t);
    assertTrue(t.contains("  50% in 0.5"), t);
    assertTrue(t.contains("  99.9% in 0.99"), t);
    assertTrue(t.contains("Error distribution:\n  [3]\tUNAVAILABLE: etcdserver: no leader\n"), t);
    String line = r.resultLine();
    assertTrue(line.startsWith("RESULT op=put clients=100 conns=1 ok=1000 errors=3 secs=2.000 rps=500.0 "), line);
    assertTrue(line.contains(" p50_ms=50"), line);
    assertTrue(line.contains(" p99_ms=99"), line);
    assertEquals(1, line.split("\n").length);
    String j = r.json();
    assertTrue(j.startsWith("{\"op\":\"put\",\"clients\":100,\"conns\":1,\"ok\":1000,\"errors\":3,"), j);
    assertTrue(j.contains("\"error_distribution\":{\"UNAVAILABLE: etcdserver: no leader\":3}"), j);
  }

  @Test
  void noSuccessesStillReports() {
    Report r = new Report("range", new Histogram(3), Map.of("UNAVAILABLE: io exception", 5L), 1_000_000L);
    assertEquals(0, r.ok);
    assertEquals(5, r.errors);
    assertTrue(r.text().contains("no successful requests"));
    assertTrue(r.resultLine().contains(" ok=0 errors=5 "));
  }

  @Test
  void errorsGroupByGrpcCodeAndMessage() {
    Stats s = new Stats();
    s.error(new CompletionException(Status.UNAVAILABLE.withDescription("etcdserver: no leader").asRuntimeException()));
    s.error(Status.UNAVAILABLE.withDescription("etcdserver: no leader").asRuntimeException());
    s.error(Status.RESOURCE_EXHAUSTED.withDescription("etcdserver: too many requests").asRuntimeException());
    s.ok(5 * MS);
    assertEquals(Map.of("UNAVAILABLE: etcdserver: no leader", 2L, "RESOURCE_EXHAUSTED: etcdserver: too many requests", 1L),
        s.errorCounts());
    assertEquals(4, s.completed());
  }

  @Test
  void keysAreEtcdsVarintInKeySizeBytes() {
    Options o = Options.parse("put", "--key-size", "8", "--key-space-size", "1000", "--sequential-keys");
    Benchmark.Keys k = new Benchmark.Keys(o, ByteString.EMPTY);
    assertEquals(ByteString.copyFrom(new byte[8]), k.key(0));
    assertEquals(ByteString.copyFrom(new byte[] {2, 0, 0, 0, 0, 0, 0, 0}), k.key(1)); // zig-zag 1 = 2
    assertEquals(ByteString.copyFrom(new byte[] {(byte) 0xCE, 0x0F, 0, 0, 0, 0, 0, 0}), k.key(999)); // 1998
    assertEquals(k.key(0), k.key(1000));
  }

  @Test
  void prefixEnd() {
    assertEquals(ByteString.copyFromUtf8("/a0"), WatchBench.prefixEnd(ByteString.copyFromUtf8("/a/")));
    assertEquals(ByteString.copyFrom(new byte[] {2}), WatchBench.prefixEnd(ByteString.copyFrom(new byte[] {1, (byte) 0xff})));
  }
}
