package io.akkaetcd.bench;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed loop: {@code clients} workers, each with exactly one request in flight; a worker sends
 * its next request from the callback of the previous one's completion, so no thread waits per
 * client. Requests are numbered 0.. from one shared counter; the run ends at {@code total} requests
 * or at a deadline, whichever applies.
 */
public final class ClosedLoop {

  /** Sends request number {@code seq} for worker {@code client}. */
  @FunctionalInterface
  public interface Op {
    CompletionStage<?> send(int client, long seq);
  }

  private final int clients;
  private final Op op;
  private final Stats stats;
  private final Executor trampoline;
  private final AtomicLong issued = new AtomicLong();
  private volatile long limit;
  private volatile long deadlineNanos;
  private CountDownLatch finished;
  /**
   * Runs callbacks on the thread that completes the call (the Netty event loop). Akka gRPC hands out
   * Scala-converted futures whose plain {@code whenComplete} silently becomes {@code
   * whenCompleteAsync} on the common pool, which on a 2-core machine starts a new thread per task.
   */
  public static final Executor DIRECT = Runnable::run;

  private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  /**
   * @param trampoline runs a worker's next request when completions arrive on the caller's stack
   *     (a failing channel can fail at once), so that recursion stays shallow
   */
  public ClosedLoop(int clients, Op op, Stats stats, Executor trampoline) {
    this.clients = clients;
    this.op = op;
    this.stats = stats;
    this.trampoline = trampoline;
  }

  /**
   * Runs until {@code total} requests are done, or for {@code durationSec} seconds when that is
   * positive. Returns the elapsed nanoseconds from the first send to the last completion.
   */
  public long run(long total, double durationSec) throws InterruptedException {
    issued.set(0);
    limit = durationSec > 0 ? Long.MAX_VALUE : total;
    long start = System.nanoTime();
    deadlineNanos = durationSec > 0 ? start + (long) (durationSec * 1e9) : Long.MAX_VALUE;
    finished = new CountDownLatch(clients);
    for (int c = 0; c < clients; c++) next(c);
    while (!finished.await(1, TimeUnit.SECONDS)) {
      // keep waiting; a progress bar (if any) runs on its own thread
    }
    return System.nanoTime() - start;
  }

  /** Requests started so far. */
  public long issued() {
    return Math.min(issued.get(), limit);
  }

  private void next(int client) {
    long seq = issued.getAndIncrement();
    if (seq >= limit || System.nanoTime() >= deadlineNanos) {
      finished.countDown();
      return;
    }
    final long t0 = System.nanoTime();
    CompletionStage<?> f;
    try {
      f = op.send(client, seq);
    } catch (Throwable t) {
      stats.error(t);
      trampoline.execute(() -> next(client));
      return;
    }
    f.whenCompleteAsync(
        (r, e) -> {
          long t1 = System.nanoTime();
          if (e == null) stats.ok(t1 - t0);
          else stats.error(e);
          int[] depth = DEPTH.get();
          if (depth[0] > 32) {
            trampoline.execute(() -> next(client));
            return;
          }
          depth[0]++;
          try {
            next(client);
          } finally {
            depth[0]--;
          }
        },
        DIRECT);
  }
}
