package io.akkaetcd.bench;

import akka.NotUsed;
import akka.actor.ActorSystem;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import com.google.protobuf.ByteString;
import io.akkaetcd.api.Event;
import io.akkaetcd.api.KVClient;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.WatchClient;
import io.akkaetcd.api.WatchCreateRequest;
import io.akkaetcd.api.WatchRequest;
import io.akkaetcd.api.WatchResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * {@code watch}: {@code --watchers} watchers on one fresh prefix, spread over {@code --streams}
 * bidi Watch streams (streams spread over {@code --conns} connections); once all are created,
 * {@code --put-total} puts under the prefix from {@code --clients} closed-loop clients. Reports
 * events delivered per second (first put sent to last event received) and, per event, the latency
 * from the put's acknowledgement to the event's receipt (an event that beats its put's ack counts
 * 0). Each put's value carries its send time, so put-send to event latency is reported too.
 */
final class WatchBench {
  private final Options o;
  private final ActorSystem system;
  private final Connections conns;

  WatchBench(Options o, ActorSystem system, Connections conns) {
    this.o = o;
    this.system = system;
    this.conns = conns;
  }

  Report run() throws Exception {
    WatchClient[] wc = conns.watch(o.conns);
    KVClient[] kv = conns.kv(o.conns);
    String id = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    ByteString prefix = ByteString.copyFromUtf8("/bench-watch/" + id + "/");
    ByteString end = prefixEnd(prefix);
    int streams = o.streams;
    int watchers = o.watchers;

    Stats stats = new Stats(); // put-ack -> event
    ConcurrentHistogram sendToEvent = new ConcurrentHistogram(3);
    ConcurrentHashMap<Long, Long> ackNanos = new ConcurrentHashMap<>();
    LongAdder beforeAck = new LongAdder();
    AtomicLong events = new AtomicLong();
    AtomicLong lastEventNanos = new AtomicLong();
    AtomicInteger created = new AtomicInteger();
    CompletableFuture<Void> allCreated = new CompletableFuture<>();
    List<String> streamErrors = Collections.synchronizedList(new ArrayList<>());

    for (int s = 0; s < streams; s++) {
      int n = watchers / streams + (s < watchers % streams ? 1 : 0);
      List<WatchRequest> creates = new ArrayList<>(n);
      for (int i = 0; i < n; i++)
        creates.add(WatchRequest.newBuilder()
            .setCreateRequest(WatchCreateRequest.newBuilder().setKey(prefix).setRangeEnd(end)).build());
      // Keep the request side open: a half-closed stream may be ended by the server.
      Source<WatchRequest, NotUsed> src = Source.from(creates).concat(Source.never());
      wc[s % wc.length].watch(src).runWith(Sink.foreach((WatchResponse r) -> {
        if (r.getCreated() && created.incrementAndGet() == watchers) allCreated.complete(null);
        if (r.getCanceled()) stats.error("watch canceled: " + r.getCancelReason());
        if (r.getEventsCount() == 0) return;
        long now = System.nanoTime();
        for (Event ev : r.getEventsList()) {
          ByteString v = ev.getKv().getValue();
          if (v.size() >= 8) sendToEvent.recordValue(Math.max(1, now - v.asReadOnlyByteBuffer().getLong()));
          Long ack = ackNanos.get(ev.getKv().getModRevision());
          if (ack == null) {
            beforeAck.increment();
            stats.ok(1);
          } else {
            stats.ok(now - ack);
          }
        }
        lastEventNanos.accumulateAndGet(now, Math::max);
        events.addAndGet(r.getEventsCount());
      }), system).whenComplete((d, e) -> {
        if (e != null) {
          streamErrors.add(Stats.describe(e));
          allCreated.completeExceptionally(e);
        }
      });
    }
    allCreated.get(60, TimeUnit.SECONDS);
    System.err.println("watch: " + watchers + " watchers created on " + streams + " streams");

    // Open the KV connections before the clock starts.
    for (KVClient k : kv)
      k.range(RangeRequest.newBuilder().setKey(prefix).setCountOnly(true).setSerializable(true).build())
          .toCompletableFuture().get(30, TimeUnit.SECONDS);

    Stats putStats = new Stats();
    Benchmark.Keys keys = new Benchmark.Keys(o, prefix);
    int valSize = Math.max(8, o.valSize);
    ClosedLoop loop = new ClosedLoop(o.clients, (c, seq) -> {
      ByteBuffer b = ByteBuffer.allocate(valSize);
      b.putLong(System.nanoTime());
      b.rewind();
      PutRequest req = PutRequest.newBuilder().setKey(keys.key(seq)).setValue(ByteString.copyFrom(b)).build();
      return kv[c % kv.length].put(req).thenApplyAsync(resp -> {
        ackNanos.put(resp.getHeader().getRevision(), System.nanoTime());
        return resp;
      }, ClosedLoop.DIRECT);
    }, putStats, system.dispatcher());

    long cpu0 = Report.processCpuNanos();
    long start = System.nanoTime();
    long putNanos;
    try (Benchmark.Progress p = Benchmark.Progress.start(events::get,
        o.durationSec > 0 ? 0 : o.putTotal * watchers, o.durationSec)) {
      putNanos = loop.run(o.putTotal, o.durationSec);
      long putsOk = putStats.snapshot().getTotalCount();
      long expected = putsOk * watchers;
      // Wait for the events, for as long as they keep coming (10 s without one ends it).
      long lastSeen = -1;
      long lastProgress = System.nanoTime();
      while (events.get() < expected && streamErrors.isEmpty()) {
        long e = events.get();
        if (e != lastSeen) {
          lastSeen = e;
          lastProgress = System.nanoTime();
        } else if (System.nanoTime() - lastProgress > 10_000_000_000L) {
          break;
        }
        Thread.sleep(5);
      }
    }
    long cpu = Report.processCpuNanos() - cpu0;
    long putsOk = putStats.snapshot().getTotalCount();
    long expected = putsOk * watchers;
    long got = events.get();
    if (got < expected) stats.error("missing events: expected " + expected + ", received " + got);
    for (String e : streamErrors) stats.error("watch stream failed: " + e);
    putStats.errorCounts().forEach((k, v) -> {
      for (long i = 0; i < v; i++) stats.error("put: " + k);
    });

    long elapsed = Math.max(1, (got > 0 ? lastEventNanos.get() : System.nanoTime()) - start);
    Report r = new Report("watch", stats.snapshot(), stats.errorCounts(), elapsed);
    r.param("watchers", watchers).param("streams", streams).param("clients", o.clients)
        .param("conns", o.conns).param("put_total", putsOk).param("events", got);
    r.param("endpoints", String.join(",", o.endpoints));
    r.clientCpu(cpu0 < 0 ? -1 : cpu, got + putsOk);
    Report puts = new Report("put", putStats.snapshot(), putStats.errorCounts(), putNanos);
    r.notes.add("  Events/sec:\t" + Report.fmt("%.1f", r.rps) + " (" + got + " of " + expected
        + " events; latency above: put ack -> event received)");
    r.notes.add("  Puts:\t" + putsOk + " ok, " + Report.fmt("%.1f", puts.rps) + "/sec, p50 "
        + Report.fmt("%.3f", puts.percentileMs(50)) + " ms, p99 " + Report.fmt("%.3f", puts.percentileMs(99)) + " ms");
    r.notes.add("  Events before their put's ack:\t" + Report.fmt("%.1f",
        got > 0 ? 100.0 * beforeAck.sum() / got : 0) + "% (counted as 0 latency)");
    if (sendToEvent.getTotalCount() > 0)
      r.notes.add("  Put sent -> event:\tp50 " + Report.fmt("%.3f", sendToEvent.getValueAtPercentile(50) / 1e6)
          + " ms, p99 " + Report.fmt("%.3f", sendToEvent.getValueAtPercentile(99) / 1e6) + " ms, max "
          + Report.fmt("%.3f", sendToEvent.getMaxValue() / 1e6) + " ms");
    return r;
  }

  /** The end of the range of keys with this prefix, as etcd's clientv3.GetPrefixRangeEnd. */
  static ByteString prefixEnd(ByteString prefix) {
    byte[] b = prefix.toByteArray();
    for (int i = b.length - 1; i >= 0; i--) {
      if (b[i] != (byte) 0xff) {
        b[i]++;
        return ByteString.copyFrom(b, 0, i + 1);
      }
    }
    return ByteString.copyFrom(new byte[] {0});
  }
}
