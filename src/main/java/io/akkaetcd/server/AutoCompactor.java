package io.akkaetcd.server;

import akka.actor.Cancellable;
import akka.actor.typed.ActorSystem;
import io.akkaetcd.api.CompactionRequest;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.compaction.AutoCompaction;
import io.akkaetcd.compaction.PeriodicSchedule;
import io.akkaetcd.compaction.RevisionSchedule;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.errors.EtcdException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the pure auto-compaction schedules on the actor system's scheduler, as etcd's compactor
 * goroutine does: paused unless this member leads, compactions proposed through Raft like a client's
 * Compact, etcd's log lines. One compaction at a time: the next wait starts when it is answered.
 */
final class AutoCompactor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("compactor");

  private final ActorSystem<?> system;
  private final StoreClient store;
  /** What a tick needs to know: whether this member leads, and the current revision. */
  record View(boolean leading, long revision) {}

  private final Supplier<CompletionStage<View>> view;
  private final PeriodicSchedule periodic;
  private final RevisionSchedule revision;
  private final Duration period;
  private volatile boolean closed;
  private volatile Cancellable next;

  private AutoCompactor(ActorSystem<?> system, StoreClient store, Supplier<CompletionStage<View>> view,
      AutoCompaction settings) {
    this.system = system;
    this.store = store;
    this.view = view;
    this.period = settings.period();
    this.periodic = settings.revisions() == 0 ? new PeriodicSchedule(settings.period(), System.nanoTime()) : null;
    this.revision = settings.revisions() > 0 ? new RevisionSchedule(settings.revisions()) : null;
  }

  /** Null if auto-compaction is off. */
  static AutoCompactor start(ActorSystem<?> system, StoreClient store, Supplier<CompletionStage<View>> view,
      AutoCompaction settings) {
    if (!settings.enabled()) {
      return null;
    }
    AutoCompactor c = new AutoCompactor(system, store, view, settings);
    if (c.periodic != null) {
      log.info("auto compaction: mode=periodic retention={}", c.period);
      c.withView(v -> {
        c.periodic.record(v.revision());
        c.schedule(c.periodic.retryInterval(), c::periodicTick);
      }, c::periodicTick);
    } else {
      log.info("auto compaction: mode=revision retention={}", c.revision.retention());
      c.schedule(RevisionSchedule.INTERVAL, c::revisionTick);
    }
    return c;
  }

  private void schedule(Duration after, Runnable tick) {
    if (!closed) {
      next = system.scheduler().scheduleOnce(after, tick, system.executionContext());
    }
  }

  /** Runs {@code then} with the member's view; if it cannot be had, tries {@code retry} after a retry interval. */
  private void withView(java.util.function.Consumer<View> then, Runnable retry) {
    view.get().whenComplete((v, failure) -> {
      if (failure != null) {
        schedule(periodic != null ? periodic.retryInterval() : RevisionSchedule.INTERVAL, retry);
      } else {
        then.accept(v);
      }
    });
  }

  private void periodicTick() {
    withView(this::periodicTick, this::periodicTick);
  }

  private void periodicTick(View v) {
    long rev = periodic.due(System.nanoTime(), !v.leading());
    if (rev <= 0) {
      periodic.record(v.revision());
      schedule(periodic.retryInterval(), this::periodicTick);
      return;
    }
    log.info("starting auto periodic compaction: revision={} compact-period={}", rev, period);
    long started = System.nanoTime();
    compact(rev).whenComplete((ok, failure) -> {
      boolean succeeded = failure == null || isCompacted(failure);
      if (succeeded) {
        log.info("completed auto periodic compaction: revision={} compact-period={} took={}ms", rev, period,
            (System.nanoTime() - started) / 1_000_000);
      } else {
        log.warn("failed auto periodic compaction: revision={} compact-period={} retry-interval={} error={}", rev,
            period, periodic.retryInterval(), failure.getMessage());
      }
      periodic.compacted(System.nanoTime(), succeeded);
      withView(after -> {
        periodic.record(after.revision());
        schedule(periodic.retryInterval(), this::periodicTick);
      }, this::periodicTick);
    });
  }

  private void revisionTick() {
    withView(this::revisionTick, this::revisionTick);
  }

  private void revisionTick(View v) {
    long rev = revision.due(v.revision(), !v.leading());
    if (rev <= 0) {
      schedule(RevisionSchedule.INTERVAL, this::revisionTick);
      return;
    }
    log.info("starting auto revision compaction: revision={} revision-compaction-retention={}", rev,
        revision.retention());
    long started = System.nanoTime();
    compact(rev).whenComplete((ok, failure) -> {
      boolean succeeded = failure == null || isCompacted(failure);
      if (succeeded) {
        log.info("completed auto revision compaction: revision={} revision-compaction-retention={} took={}ms", rev,
            revision.retention(), (System.nanoTime() - started) / 1_000_000);
      } else {
        log.warn("failed auto revision compaction: revision={} revision-compaction-retention={} retry-interval={} "
            + "error={}", rev, revision.retention(), RevisionSchedule.INTERVAL, failure.getMessage());
      }
      revision.compacted(rev, succeeded);
      schedule(RevisionSchedule.INTERVAL, this::revisionTick);
    });
  }

  private java.util.concurrent.CompletionStage<?> compact(long rev) {
    return store.propose(InternalRaftRequest.newBuilder()
        .setCompaction(CompactionRequest.newBuilder().setRevision(rev)).build());
  }

  private static boolean isCompacted(Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return cause instanceof EtcdException e && e.error() == EtcdError.COMPACTED;
  }

  @Override
  public void close() {
    closed = true;
    Cancellable c = next;
    if (c != null) {
      c.cancel();
    }
  }
}
