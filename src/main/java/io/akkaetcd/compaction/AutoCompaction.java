package io.akkaetcd.compaction;

import java.time.Duration;

/**
 * etcd's reading of --auto-compaction-mode and --auto-compaction-retention (embed/etcd.go): an integer is
 * hours in periodic mode and revisions in revision mode; anything else is a Go duration (in revision
 * mode, its nanoseconds count as revisions, as etcd does). Zero turns auto-compaction off.
 */
public record AutoCompaction(String mode, Duration period, long revisions) {
  public static final AutoCompaction OFF = new AutoCompaction("off", Duration.ZERO, 0);

  public boolean enabled() {
    return !period.isZero() || revisions > 0;
  }

  /** @param goDuration parses a Go duration (the config layer's parser), for a retention that is not an integer */
  public static AutoCompaction of(String mode, String retention, java.util.function.Function<String, Duration> goDuration) {
    long n;
    Duration d;
    if (retention.isEmpty()) {
      retention = "0";
    }
    if (retention.chars().allMatch(Character::isDigit)) {
      n = Long.parseLong(retention);
      d = "periodic".equals(mode) ? Duration.ofHours(n) : Duration.ZERO;
    } else {
      d = goDuration.apply(retention);
      n = d.toNanos();
    }
    if ("revision".equals(mode)) {
      return n == 0 ? OFF : new AutoCompaction(mode, Duration.ZERO, n);
    }
    return d.isZero() ? OFF : new AutoCompaction(mode, d, 0);
  }
}
