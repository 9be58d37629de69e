package io.akkaetcd.compaction;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * etcd 3.4's periodic auto-compaction (etcdserver/api/v3compactor/periodic.go) as a pure schedule: every
 * retry interval (a tenth of the period, the period capped at an hour) it records the current revision;
 * once the period has passed since the start, and then every compact interval (the period capped at an
 * hour) since the last success, it compacts at the revision recorded one period ago. The driver waits a
 * retry interval between calls and owns the clock.
 */
public final class PeriodicSchedule {
  private static final int RETRY_DIVISOR = 10;

  private final long periodNanos;
  private final long compactIntervalNanos;
  private final long retryIntervalNanos;
  private final int retentions;
  private final ArrayDeque<Long> revs = new ArrayDeque<>();
  private long lastSuccessNanos;
  private long baseIntervalNanos;

  public PeriodicSchedule(Duration period, long nowNanos) {
    if (period.isZero() || period.isNegative()) {
      throw new IllegalArgumentException("period must be positive: " + period);
    }
    this.periodNanos = period.toNanos();
    long capped = Math.min(periodNanos, Duration.ofHours(1).toNanos());
    this.compactIntervalNanos = capped;
    this.retryIntervalNanos = Math.max(1, capped / RETRY_DIVISOR);
    this.retentions = (int) (periodNanos / retryIntervalNanos) + 1;
    this.lastSuccessNanos = nowNanos;
    this.baseIntervalNanos = periodNanos;
  }

  /** How long the driver waits between {@link #record} and {@link #due}. */
  public Duration retryInterval() {
    return Duration.ofNanos(retryIntervalNanos);
  }

  /** The loop's top: the current revision joins the window (revs[0] is the one a period ago). */
  public void record(long currentRevision) {
    revs.addLast(currentRevision);
    if (revs.size() > retentions) {
      revs.removeFirst();
    }
  }

  /**
   * After a retry interval's wait: the revision to compact at now, or -1 (paused, i.e. not the leader,
   * or not yet time).
   */
  public long due(long nowNanos, boolean paused) {
    if (paused || nowNanos - lastSuccessNanos < baseIntervalNanos) {
      return -1;
    }
    if (baseIntervalNanos == periodNanos) {
      baseIntervalNanos = compactIntervalNanos;
    }
    return revs.peekFirst();
  }

  /** The compaction {@link #due} asked for ended: success (or already compacted) restarts the interval. */
  public void compacted(long nowNanos, boolean succeeded) {
    if (succeeded) {
      lastSuccessNanos = nowNanos;
    }
  }
}
