package io.akkaetcd.gateway;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * At most {@code --max-concurrent-streams} gateway calls in flight at once. etcd's gateway is a gRPC
 * client of its own server over one HTTP/2 connection, so that connection's stream limit bounds every
 * gateway call together: a call beyond it waits until another ends (a client waiting on it times out,
 * as etcd's e2e TestV3Curl_MaxStreams_ReachLimit expects). Waiting is asynchronous; no thread blocks.
 */
final class StreamSlots {
  private final long capacity;
  private final Queue<CompletableFuture<Void>> waiting = new ArrayDeque<>();
  private long inUse;

  StreamSlots(long capacity) {
    this.capacity = capacity;
  }

  /** Completes once a slot is this caller's; it must {@link #release()} it exactly once. */
  synchronized CompletionStage<Void> acquire() {
    if (inUse < capacity) {
      inUse++;
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> slot = new CompletableFuture<>();
    waiting.add(slot);
    return slot;
  }

  void release() {
    CompletableFuture<Void> next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        inUse--;
        return;
      }
    }
    next.complete(null);  // the slot passes to the next caller, outside the lock
  }
}
