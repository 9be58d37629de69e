package io.akkaetcd.bench;

import akka.actor.ActorSystem;
import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.api.KVClient;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RequestOp;
import io.akkaetcd.api.TxnRequest;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * {@code bin/benchmark}: etcd's {@code tools/benchmark} for the v3 API, on the Akka gRPC clients.
 * See {@link Options#usage()}.
 */
public final class Benchmark {

  private final Options o;
  private final ActorSystem system;
  private final PrintStream out = System.out;

  Benchmark(Options o, ActorSystem system) {
    this.o = o;
    this.system = system;
  }

  public static void main(String[] argv) {
    Options o;
    try {
      o = Options.parse(argv);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println();
      System.err.print(Options.usage());
      System.exit(2);
      return;
    }
    if (o.help) {
      System.out.print(Options.usage());
      return;
    }
    Config cfg =
        ConfigFactory.parseString(
                "akka.loglevel = WARNING\n"
                    + "akka.stdout-loglevel = WARNING\n"
                    + "akka.log-dead-letters = off\n"
                    + "akka.log-dead-letters-during-shutdown = off\n"
                    + "akka.actor.default-dispatcher.fork-join-executor.parallelism-max = 2\n"
                    + "akka.coordinated-shutdown.run-by-jvm-shutdown-hook = off\n"
                    + "akka.coordinated-shutdown.terminate-actor-system = on\n")
            .withFallback(ConfigFactory.load());
    ActorSystem system = ActorSystem.create("benchmark", cfg);
    int rc;
    try {
      rc = new Benchmark(o, system).run();
    } catch (Exception e) {
      System.err.println("error: " + (e instanceof IllegalStateException ? e.getMessage() : Stats.describe(e)));
      rc = 1;
    }
    try {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // exiting anyway
    }
    System.exit(rc);
  }

  int run() throws Exception {
    List<String> endpoints = o.targetLeader ? Connections.leaderOnly(system, o.endpoints) : o.endpoints;
    Connections conns = new Connections(system, endpoints, o.cacert);
    if (o.user != null && !o.command.startsWith("gateway-")) conns.authenticate(o.user);
    try {
      Report r =
          switch (o.command) {
            case "put" -> put(conns);
            case "range" -> range(conns);
            case "txn-put" -> txnPut(conns);
            case "watch" -> new WatchBench(o, system, conns).run();
            case "lease-keepalive" -> new LeaseBench(o, system, conns).run();
            case "gateway-put", "gateway-range" -> new GatewayBench(o, this).run();
            default -> throw new IllegalStateException(o.command);
          };
      print(r);
      return 0;
    } finally {
      conns.closeAll();
    }
  }

  void print(Report r) {
    if (o.json) out.println(r.json());
    else out.print(r.text());
    out.println(r.resultLine());
    out.flush();
  }

  // ---- unary workloads ----

  private Report put(Connections conns) throws Exception {
    KVClient[] kv = conns.kv(o.conns);
    ByteString value = randomValue(o.valSize);
    Keys keys = new Keys(o, ByteString.EMPTY);
    return unary("put", conns, kv, (c, seq) -> kv[c % kv.length].put(
        PutRequest.newBuilder().setKey(keys.key(seq)).setValue(value).build()));
  }

  private Report range(Connections conns) throws Exception {
    KVClient[] kv = conns.kv(o.conns);
    RangeRequest.Builder b =
        RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(o.args.get(0)))
            .setSerializable(o.consistency.equals("s"));
    if (o.args.size() > 1) b.setRangeEnd(rangeEnd(o.args.get(1), o.args.get(0)));
    RangeRequest req = b.build();
    Report r = unary("range", conns, kv, (c, seq) -> kv[c % kv.length].range(req));
    r.params.put("consistency", o.consistency);
    return r;
  }

  private Report txnPut(Connections conns) throws Exception {
    KVClient[] kv = conns.kv(o.conns);
    ByteString value = randomValue(o.valSize);
    Keys keys = new Keys(o, ByteString.EMPTY);
    if (o.txnOps > o.keySpaceSize)
      System.err.println("warning: --txn-ops " + o.txnOps + " > --key-space-size " + o.keySpaceSize
          + ": txns will repeat keys and etcd rejects them (duplicate key)");
    Report r = unary("txn-put", conns, kv, (c, seq) -> {
      TxnRequest.Builder t = TxnRequest.newBuilder();
      long base = o.sequentialKeys ? seq * o.txnOps : ThreadLocalRandom.current().nextLong(o.keySpaceSize);
      for (int j = 0; j < o.txnOps; j++)
        t.addSuccess(RequestOp.newBuilder().setRequestPut(
            PutRequest.newBuilder().setKey(keys.keyAt((base + j) % o.keySpaceSize)).setValue(value)));
      return kv[c % kv.length].txn(t.build());
    });
    r.params.put("txn_ops", o.txnOps);
    return r;
  }

  /** "\0" as etcdctl means "from key": an end of a single zero byte. */
  static ByteString rangeEnd(String end, String key) {
    if (end.equals("\\0") || end.equals("\0")) return ByteString.copyFrom(new byte[] {0});
    return ByteString.copyFromUtf8(end);
  }

  private Report unary(String op, Connections conns, KVClient[] kv, ClosedLoop.Op send) throws Exception {
    // Open every connection before the clock starts.
    List<CompletableFuture<?>> opened = new ArrayList<>();
    for (KVClient k : kv)
      opened.add(k.range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("health"))
          .setSerializable(true).setCountOnly(true).build()).toCompletableFuture());
    for (int i = 0; i < opened.size(); i++) {
      try {
        opened.get(i).get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        String ep = conns.endpoints().get(i % conns.endpoints().size());
        throw new IllegalStateException("cannot reach " + ep + ": " + Stats.describe(e), e);
      }
    }

    return measure(op, send);
  }

  /** Runs {@code send} closed-loop: the warm-up, then the measured run, into one report. */
  Report measure(String op, ClosedLoop.Op send) throws Exception {
    Stats stats = new Stats();
    ClosedLoop loop = new ClosedLoop(o.clients, send, stats, system.dispatcher());
    long warmed = 0;
    if (o.warmupCount > 0 || o.warmupSec > 0) {
      loop.run(o.warmupCount, o.warmupSec);
      warmed = stats.completed();
      stats.reset();
    }
    long total = o.totalOr(10000);
    long elapsed;
    long cpu0 = Report.processCpuNanos();
    try (Progress p = Progress.start(stats::completed, o.durationSec > 0 ? 0 : total, o.durationSec)) {
      elapsed = loop.run(total, o.durationSec);
    }
    long cpu = Report.processCpuNanos() - cpu0;
    Report r = new Report(op, stats.snapshot(), stats.errorCounts(), elapsed);
    params(r, o.durationSec > 0 ? loop.issued() : total);
    r.param("warmup", warmed);
    r.clientCpu(cpu0 < 0 ? -1 : cpu, r.ok + r.errors);
    return r;
  }

  void params(Report r, long total) {
    r.param("clients", o.clients).param("conns", o.conns).param("total", total);
    if (!o.command.endsWith("range") && !o.command.equals("lease-keepalive"))
      r.param("key_size", o.keySize).param("val_size", o.valSize).param("key_space", o.keySpaceSize);
    if (o.durationSec > 0) r.param("duration_s", o.durationSec);
    r.param("endpoints", String.join(",", o.endpoints));
  }

  static ByteString randomValue(int size) {
    byte[] v = new byte[size];
    ThreadLocalRandom.current().nextBytes(v);
    return ByteString.copyFrom(v);
  }

  /**
   * Keys as etcd's benchmark makes them: a key-size buffer holding the varint (zig-zag) of the key's
   * number, after an optional prefix; numbers at random in the key space, or in order with
   * {@code --sequential-keys}.
   */
  static final class Keys {
    private final int keySize;
    private final int space;
    private final boolean sequential;
    private final ByteString prefix;

    Keys(Options o, ByteString prefix) {
      this.keySize = o.keySize;
      this.space = o.keySpaceSize;
      this.sequential = o.sequentialKeys;
      this.prefix = prefix;
    }

    ByteString key(long seq) {
      return keyAt(sequential ? seq % space : ThreadLocalRandom.current().nextInt(space));
    }

    ByteString keyAt(long n) {
      return prefix.concat(varintKey(n, keySize));
    }
  }

  /**
   * Key number {@code n} as etcd's tools/benchmark writes it: the zig-zag varint of {@code n},
   * zero-padded to {@code size} bytes.
   */
  public static ByteString varintKey(long n, int size) {
    byte[] k = new byte[Math.max(size, 10)];
    long v = (n << 1) ^ (n >> 63);
    int i = 0;
    while ((v & ~0x7FL) != 0) {
      k[i++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    k[i++] = (byte) v;
    return ByteString.copyFrom(k, 0, Math.max(size, i));
  }

  static ByteString utf8(String s) {
    return ByteString.copyFrom(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A progress bar on stderr, only when stdout is a terminal. */
  static final class Progress implements AutoCloseable {
    private final Thread thread;
    private volatile boolean stop;

    private Progress(LongSupplier done, long total, double durationSec) {
      long start = System.nanoTime();
      thread = new Thread(() -> {
        while (!stop) {
          draw(done.getAsLong(), total, durationSec, start);
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            break;
          }
        }
        draw(done.getAsLong(), total, durationSec, start);
        System.err.println();
      }, "progress");
      thread.setDaemon(true);
    }

    static Progress start(LongSupplier done, long total, double durationSec) {
      Progress p = new Progress(done, total, durationSec);
      if (System.console() != null) p.thread.start();
      return p;
    }

    private static void draw(long done, long total, double durationSec, long start) {
      double frac;
      String count;
      if (total > 0) {
        frac = Math.min(1.0, (double) done / total);
        count = done + " / " + total;
      } else {
        double el = (System.nanoTime() - start) / 1e9;
        frac = durationSec > 0 ? Math.min(1.0, el / durationSec) : 0;
        count = done + " in " + Report.fmt("%.1f", el) + "s";
      }
      int w = 50;
      int filled = (int) (frac * w);
      System.err.print("\r " + count + " [" + "=".repeat(filled) + (filled < w ? ">" + " ".repeat(w - filled - 1) : "")
          + "] " + Report.fmt("%.1f", frac * 100) + "%");
      System.err.flush();
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(1000);
      }
    }
  }
}
