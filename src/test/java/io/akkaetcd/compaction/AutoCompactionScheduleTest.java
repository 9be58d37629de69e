package io.akkaetcd.compaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** etcd's compactor schedules on a fake clock: a driver loop as etcd's goroutine runs it. */
class AutoCompactionScheduleTest {
  private static final long MINUTE = Duration.ofMinutes(1).toNanos();

  /** Runs the periodic loop for {@code minutes}; the revision grows by one per retry interval. Returns "minute:rev". */
  private static List<String> runPeriodic(Duration period, long minutes, boolean[] leadingByMinute, boolean fail) {
    PeriodicSchedule s = new PeriodicSchedule(period, 0);
    long step = s.retryInterval().toNanos();
    long rev = 1;
    List<String> compactions = new ArrayList<>();
    for (long now = step; now <= minutes * MINUTE; now += step) {
      s.record(rev++);
      boolean paused = leadingByMinute != null && !leadingByMinute[(int) (now / MINUTE)];
      long due = s.due(now, paused);
      if (due > 0) {
        compactions.add(now / MINUTE + ":" + due);
        s.compacted(now, !fail);
      }
    }
    return compactions;
  }

  @Test
  void periodicWaitsOnePeriodThenCompactsHourlyAtTheRevisionOfAPeriodAgo() {
    // 2h: the retry interval is 6 minutes (an hour / 10); 21 revisions are kept. First compaction at 2h, at the
    // revision of time 0; then every hour, at the oldest revision kept (recorded 126 minutes earlier).
    assertEquals(List.of("120:1", "180:10", "240:20", "300:30"), runPeriodic(Duration.ofHours(2), 300, null, false));
  }

  @Test
  void periodicShorterThanAnHourCompactsEveryPeriod() {
    // 10m: retry every minute, compact every 10 minutes at the revision of 10 minutes before the last record.
    assertEquals(List.of("10:1", "20:10", "30:20"), runPeriodic(Duration.ofMinutes(10), 30, null, false));
  }

  @Test
  void periodicIsPausedOnAFollowerAndRetriesAFailureAtTheNextRetryInterval() {
    boolean[] leading = new boolean[40];
    for (int m = 25; m < 40; m++) {
      leading[m] = true;
    }
    // Leader from minute 25: it compacts at once (the period has long passed), then not before minute 35.
    assertEquals(List.of("25:15"), runPeriodic(Duration.ofMinutes(10), 34, leading, false));
    assertEquals(List.of("25:15", "35:25"), runPeriodic(Duration.ofMinutes(10), 35, leading, false));
    List<String> failing = runPeriodic(Duration.ofMinutes(10), 12, null, true);
    assertEquals(List.of("10:1", "11:1", "12:2"), failing);
  }

  @Test
  void revisionModeKeepsTheLastRetentionRevisionsAndSkipsARepeat() {
    RevisionSchedule s = new RevisionSchedule(10);
    assertEquals(-1, s.due(5, false));
    assertEquals(-1, s.due(25, true));
    assertEquals(15, s.due(25, false));
    s.compacted(15, false);
    assertEquals(15, s.due(25, false), "a failed compaction is tried again");
    s.compacted(15, true);
    assertEquals(-1, s.due(25, false), "nothing new since the last compaction");
    assertEquals(20, s.due(30, false));
  }

  @Test
  void retentionIsHoursOrRevisionsAsAnIntegerElseADuration() {
    assertEquals(Duration.ofHours(1), AutoCompaction.of("periodic", "1", AutoCompactionScheduleTest::minutes).period());
    assertEquals(Duration.ofMinutes(30), AutoCompaction.of("periodic", "30m", AutoCompactionScheduleTest::minutes).period());
    assertEquals(100, AutoCompaction.of("revision", "100", AutoCompactionScheduleTest::minutes).revisions());
    assertFalse(AutoCompaction.of("periodic", "0", AutoCompactionScheduleTest::minutes).enabled());
    assertFalse(AutoCompaction.of("revision", "", AutoCompactionScheduleTest::minutes).enabled());
  }

  /** Enough of Go's durations for the test: "<n>m". */
  private static Duration minutes(String s) {
    return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
  }
}
