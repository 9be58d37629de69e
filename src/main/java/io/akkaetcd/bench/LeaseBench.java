package io.akkaetcd.bench;

import akka.actor.ActorSystem;
import akka.stream.BoundedSourceQueue;
import akka.stream.QueueOfferResult;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import io.akkaetcd.api.LeaseClient;
import io.akkaetcd.api.LeaseGrantRequest;
import io.akkaetcd.api.LeaseKeepAliveRequest;
import io.akkaetcd.api.LeaseKeepAliveResponse;
import io.akkaetcd.api.LeaseRevokeRequest;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code lease-keepalive}: grants one lease, then each of {@code --clients} clients keeps it alive
 * over its own LeaseKeepAlive stream, one request in flight at a time, {@code --total} requests in
 * all (or for {@code --duration}). The first round trip of each stream opens it and is not timed.
 */
final class LeaseBench {
  private final Options o;
  private final ActorSystem system;
  private final Connections conns;

  LeaseBench(Options o, ActorSystem system, Connections conns) {
    this.o = o;
    this.system = system;
    this.conns = conns;
  }

  Report run() throws Exception {
    LeaseClient[] lc = conns.lease(o.conns);
    long leaseId = lc[0].leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build())
        .toCompletableFuture().get(30, TimeUnit.SECONDS).getID();
    LeaseKeepAliveRequest req = LeaseKeepAliveRequest.newBuilder().setID(leaseId).build();

    Stats stats = new Stats();
    long total = o.totalOr(10000);
    long limit = o.durationSec > 0 ? Long.MAX_VALUE : total;
    AtomicLong issued = new AtomicLong();
    CountDownLatch opened = new CountDownLatch(o.clients);
    CountDownLatch finished = new CountDownLatch(o.clients);
    long[] deadline = {Long.MAX_VALUE};

    final class Worker {
      final BoundedSourceQueue<LeaseKeepAliveRequest> queue;
      final AtomicBoolean done = new AtomicBoolean();
      volatile boolean primed;
      volatile long t0;

      Worker(LeaseClient client) {
        var pair = Source.<LeaseKeepAliveRequest>queue(4).preMaterialize(system);
        queue = pair.first();
        client.leaseKeepAlive(pair.second()).runWith(Sink.foreach(this::onResponse), system)
            .whenComplete((d, e) -> {
              if (!done.get()) {
                stats.error(e != null ? Stats.describe(e) : "keepalive stream closed by server");
                if (!primed) opened.countDown();
                finish();
              }
            });
        offer();
      }

      void onResponse(LeaseKeepAliveResponse r) {
        long now = System.nanoTime();
        if (!primed) {
          primed = true;
          opened.countDown();
          return; // the clock starts once every stream is open
        }
        if (r.getTTL() <= 0) stats.error("NOT_FOUND: lease expired or not found");
        else stats.ok(now - t0);
        next();
      }

      void next() {
        long seq = issued.getAndIncrement();
        if (seq >= limit || System.nanoTime() >= deadline[0]) {
          finish();
          return;
        }
        offer();
      }

      void offer() {
        t0 = System.nanoTime();
        QueueOfferResult res = queue.offer(req);
        if (res != QueueOfferResult.enqueued()) {
          stats.error("offer failed: " + res);
          finish();
        }
      }

      void finish() {
        if (done.compareAndSet(false, true)) {
          queue.complete();
          finished.countDown();
        }
      }
    }

    Worker[] workers = new Worker[o.clients];
    for (int c = 0; c < o.clients; c++) workers[c] = new Worker(lc[c % lc.length]);
    if (!opened.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("keepalive streams did not open");

    long start = System.nanoTime();
    if (o.durationSec > 0) deadline[0] = start + (long) (o.durationSec * 1e9);
    try (Benchmark.Progress p = Benchmark.Progress.start(stats::completed, o.durationSec > 0 ? 0 : total, o.durationSec)) {
      for (Worker w : workers) if (!w.done.get()) w.next();
      while (!finished.await(1, TimeUnit.SECONDS)) {
        // waiting for the workers
      }
    }
    long elapsed = System.nanoTime() - start;
    try {
      lc[0].leaseRevoke(LeaseRevokeRequest.newBuilder().setID(leaseId).build()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("warning: lease revoke failed: " + Stats.describe(e));
    }
    Report r = new Report("lease-keepalive", stats.snapshot(), stats.errorCounts(), elapsed);
    r.param("clients", o.clients).param("conns", o.conns).param("total", o.durationSec > 0 ? Math.min(issued.get(), r.ok + r.errors) : total);
    if (o.durationSec > 0) r.param("duration_s", o.durationSec);
    r.param("endpoints", String.join(",", o.endpoints));
    return r;
  }
}
