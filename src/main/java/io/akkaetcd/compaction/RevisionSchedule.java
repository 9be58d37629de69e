package io.akkaetcd.compaction;

import java.time.Duration;

/**
 * etcd 3.4's revision auto-compaction (etcdserver/api/v3compactor/revision.go): every five minutes,
 * compact at the current revision minus the retention, unless that is not positive or the same revision
 * as the last successful compaction.
 */
public final class RevisionSchedule {
  /** etcd's revInterval. */
  public static final Duration INTERVAL = Duration.ofMinutes(5);

  private final long retention;
  private long previous;

  public RevisionSchedule(long retention) {
    if (retention <= 0) {
      throw new IllegalArgumentException("retention must be positive: " + retention);
    }
    this.retention = retention;
  }

  public long retention() {
    return retention;
  }

  /** After an interval's wait: the revision to compact at, or -1. */
  public long due(long currentRevision, boolean paused) {
    if (paused) {
      return -1;
    }
    long rev = currentRevision - retention;
    return rev <= 0 || rev == previous ? -1 : rev;
  }

  public void compacted(long revision, boolean succeeded) {
    if (succeeded) {
      previous = revision;
    }
  }
}
