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
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code lease-keepalive}: grants one lease, then each of {@code --clients} clients keeps it alive
 * over its own LeaseKeepAlive stream, one request in flight at a time, {@code --total} requests in
 * all (or for {@code --duration}). The first round trip of each stream opens it and is not timed;
 * nor is the warm-up phase.
 */
final class LeaseBench {
  private final Options o;
  private final ActorSystem system;
  private final Connections conns;

  // the current phase (warm-up, then the measured run)
  private final AtomicLong issued = new AtomicLong();
  private volatile long limit;
  private volatile long deadline;
  private volatile CountDownLatch phaseDone;
  private volatile Stats stats = new Stats();

  LeaseBench(Options o, ActorSystem system, Connections conns) {
    this.o = o;
    this.system = system;
    this.conns = conns;
  }

  private final class Worker {
    final BoundedSourceQueue<LeaseKeepAliveRequest> queue;
    final LeaseKeepAliveRequest req;
    final CountDownLatch opened;
    volatile boolean primed;
    volatile boolean broken;
    volatile long t0;

    Worker(LeaseClient client, LeaseKeepAliveRequest req, CountDownLatch opened) {
      this.req = req;
      this.opened = opened;
      var pair = Source.<LeaseKeepAliveRequest>queue(4).preMaterialize(system);
      queue = pair.first();
      client.leaseKeepAlive(pair.second()).runWith(Sink.foreach(this::onResponse), system)
          .whenComplete((d, e) -> {
            if (broken) return;
            broken = true;
            stats.error(e != null ? Stats.describe(e) : "keepalive stream closed");
            if (!primed) opened.countDown();
            else phaseDone.countDown();
          });
      offer();
    }

    void onResponse(LeaseKeepAliveResponse r) {
      long now = System.nanoTime();
      if (!primed) {
        primed = true;
        opened.countDown();
        return;
      }
      if (r.getTTL() <= 0) stats.error("NOT_FOUND: lease expired or not found (TTL " + r.getTTL() + ")");
      else stats.ok(now - t0);
      next();
    }

    /** Sends the next request of the phase, or reports this worker done with it. */
    void next() {
      long seq = issued.getAndIncrement();
      if (seq >= limit || System.nanoTime() >= deadline) {
        phaseDone.countDown();
        return;
      }
      offer();
    }

    void offer() {
      t0 = System.nanoTime();
      QueueOfferResult res = queue.offer(req);
      if (res != QueueOfferResult.enqueued()) {
        broken = true;
        stats.error("keepalive send failed: " + res);
        if (!primed) opened.countDown();
        else phaseDone.countDown();
      }
    }
  }

  private long phase(Worker[] workers, long count, double seconds) throws InterruptedException {
    issued.set(0);
    limit = seconds > 0 ? Long.MAX_VALUE : count;
    long start = System.nanoTime();
    deadline = seconds > 0 ? start + (long) (seconds * 1e9) : Long.MAX_VALUE;
    int live = 0;
    for (Worker w : workers) if (!w.broken) live++;
    phaseDone = new CountDownLatch(live);
    for (Worker w : workers) if (!w.broken) w.next();
    while (!phaseDone.await(1, TimeUnit.SECONDS)) {
      // waiting for the workers
    }
    return System.nanoTime() - start;
  }

  Report run() throws Exception {
    LeaseClient[] lc = conns.lease(o.conns);
    long leaseId = lc[0].leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build())
        .toCompletableFuture().get(30, TimeUnit.SECONDS).getID();
    LeaseKeepAliveRequest req = LeaseKeepAliveRequest.newBuilder().setID(leaseId).build();
    try {
      CountDownLatch opened = new CountDownLatch(o.clients);
      Worker[] workers = new Worker[o.clients];
      for (int c = 0; c < o.clients; c++) workers[c] = new Worker(lc[c % lc.length], req, opened);
      if (!opened.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("keepalive streams did not open");

      long warmed = 0;
      if (o.warmupCount > 0 || o.warmupSec > 0) {
        phase(workers, o.warmupCount, o.warmupSec);
        warmed = stats.completed();
      }
      Stats measured = new Stats();
      stats = measured;
      long total = o.totalOr(10000);
      long cpu0 = Report.processCpuNanos();
      long elapsed;
      try (Benchmark.Progress p = Benchmark.Progress.start(measured::completed, o.durationSec > 0 ? 0 : total, o.durationSec)) {
        elapsed = phase(workers, total, o.durationSec);
      }
      long cpu = Report.processCpuNanos() - cpu0;
      for (Worker w : workers) w.queue.complete();

      Report r = new Report("lease-keepalive", measured.snapshot(), measured.errorCounts(), elapsed);
      r.param("clients", o.clients).param("conns", o.conns)
          .param("total", o.durationSec > 0 ? r.ok + r.errors : total);
      if (o.durationSec > 0) r.param("duration_s", o.durationSec);
      r.param("endpoints", String.join(",", o.endpoints)).param("warmup", warmed);
      r.clientCpu(cpu0 < 0 ? -1 : cpu, r.ok + r.errors);
      return r;
    } finally {
      try {
        lc[0].leaseRevoke(LeaseRevokeRequest.newBuilder().setID(leaseId).build())
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("warning: lease revoke failed: " + Stats.describe(e));
      }
    }
  }
}
