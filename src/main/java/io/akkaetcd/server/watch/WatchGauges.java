package io.akkaetcd.server.watch;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What etcd's watch series count (mvcc/metrics.go), kept by the member's watch actors and read by
 * scrapes: open streams, watchers, slow watchers (etcd's unsynced and victims: here the watchers the
 * hub is catching up from history plus those held back by a full stream queue), events sent to
 * clients, and events queued on a stream but not yet taken by its client.
 */
public final class WatchGauges {
  private final LongAdder streams = new LongAdder();
  private final LongAdder watchers = new LongAdder();
  private final LongAdder heldBack = new LongAdder();
  private final AtomicLong catchingUp = new AtomicLong();
  private final LongAdder eventsSent = new LongAdder();
  private final LongAdder pendingEvents = new LongAdder();

  public long streams() {
    return streams.sum();
  }

  public long watchers() {
    return watchers.sum();
  }

  public long slowWatchers() {
    return catchingUp.get() + heldBack.sum();
  }

  public long eventsSent() {
    return eventsSent.sum();
  }

  public long pendingEvents() {
    return pendingEvents.sum();
  }

  void streamOpened() {
    streams.increment();
  }

  void streamClosed() {
    streams.decrement();
  }

  void watcherStarted() {
    watchers.increment();
  }

  void watcherStopped() {
    watchers.decrement();
  }

  /** A watcher stopped taking live events (its stream's queue was full) or took them again. */
  void heldBack(boolean held) {
    if (held) {
      heldBack.increment();
    } else {
      heldBack.decrement();
    }
  }

  /** Set by the hub after each change: how many watchers it is reading history for. */
  void catchingUp(int count) {
    catchingUp.set(count);
  }

  void queued(int events) {
    pendingEvents.add(events);
  }

  void sent(int events) {
    pendingEvents.add(-events);
    eventsSent.add(events);
  }

  /** Events still queued when their stream ended: never sent, no longer pending. */
  void dropped(long events) {
    pendingEvents.add(-events);
  }
}
