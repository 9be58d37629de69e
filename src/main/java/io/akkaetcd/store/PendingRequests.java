package io.akkaetcd.store;

import com.google.protobuf.Message;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.errors.EtcdException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests this member is waiting on, by request ID (etcd's wait registry). The front registers a
 * request before proposing it; the store actor completes it when the request's log entry is applied
 * here (or, for a linearizable read, when its read index has been applied). Every member applies every
 * entry; only the member that registered the ID answers.
 */
public final class PendingRequests {
  /** A linearizable read: served against the store once the read index is applied. */
  public record Read(RangeRequest request, CompletableFuture<Message> future) {}

  private final ConcurrentHashMap<Long, CompletableFuture<Message>> writes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, Read> reads = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.LongAdder failedProposals = new java.util.concurrent.atomic.LongAdder();
  private final long prefix;
  private final AtomicLong counter = new AtomicLong();
  /** Raft's commit index and the store's applied index, for etcd's "too many requests" back-pressure. */
  private final AtomicLong committedIndex = new AtomicLong();
  private final AtomicLong appliedIndex = new AtomicLong();
  private final java.util.concurrent.ConcurrentSkipListMap<Long, CompletableFuture<Void>> appliedWaiters =
      new java.util.concurrent.ConcurrentSkipListMap<>();

  /**
   * IDs are unique across members and restarts as etcd makes them: the member's low 16 bits, then 40
   * bits of the start time in milliseconds, then a counter.
   */
  public PendingRequests(long memberId, long startMillis) {
    this.prefix = ((memberId & 0xffffL) << 48) | ((startMillis & 0xff_ffff_ffffL) << 8);
  }

  public void committed(long index) {
    committedIndex.accumulateAndGet(index, Math::max);
  }

  public void applied(long index) {
    appliedIndex.accumulateAndGet(index, Math::max);
    if (!appliedWaiters.isEmpty()) {
      java.util.NavigableMap<Long, CompletableFuture<Void>> reached = appliedWaiters.headMap(index, true);
      reached.values().forEach(f -> f.complete(null));
      reached.clear();
    }
  }

  /** Completes once this member has applied the entry at {@code index} (etcd's applyWait.Wait). */
  public CompletableFuture<Void> whenApplied(long index) {
    if (appliedIndex.get() >= index) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> f = appliedWaiters.computeIfAbsent(index, i -> new CompletableFuture<>());
    if (appliedIndex.get() >= index) {  // applied meanwhile, perhaps before the waiter was in the map
      appliedWaiters.remove(index, f);
      f.complete(null);
    }
    return f;
  }

  /** How far the store's applied index trails Raft's commit index. */
  public long applyBacklog() {
    return committedIndex.get() - appliedIndex.get();
  }

  public long nextId() {
    return prefix + counter.incrementAndGet();
  }

  public CompletableFuture<Message> registerWrite(long id) {
    CompletableFuture<Message> f = new CompletableFuture<>();
    writes.put(id, f);
    f.whenComplete((r, e) -> {
      writes.remove(id);
      if (isProposalFailure(e)) {
        failedProposals.increment();
      }
    });
    return f;
  }

  /**
   * A proposal that never got applied here: refused for want of a leader, dropped by a leader change,
   * or timed out (etcd's proposalsFailed). A request applied with an error of its own is not one.
   */
  private static boolean isProposalFailure(Throwable e) {
    while (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e instanceof EtcdException ee && (ee.error() == EtcdError.NO_LEADER
        || ee.error() == EtcdError.LEADER_CHANGED || ee.error() == EtcdError.TIMEOUT);
  }

  /** Proposals that failed so far (etcd_server_proposals_failed_total). */
  public long failedProposals() {
    return failedProposals.sum();
  }

  /** Proposals waiting to be applied (etcd_server_proposals_pending). */
  public long pendingProposals() {
    return writes.size();
  }

  public CompletableFuture<Message> registerRead(long id, RangeRequest request) {
    CompletableFuture<Message> f = new CompletableFuture<>();
    reads.put(id, new Read(request, f));
    f.whenComplete((r, e) -> reads.remove(id));
    return f;
  }

  /** The write waiting for {@code id} here, or null if another member proposed it (or it timed out). */
  public CompletableFuture<Message> write(long id) {
    return writes.get(id);
  }

  public Read read(long id) {
    return reads.get(id);
  }

  public void failWrite(long id, Throwable cause) {
    CompletableFuture<Message> f = writes.get(id);
    if (f != null) {
      f.completeExceptionally(cause);
    }
  }

  public void failAllReads(Throwable cause) {
    reads.values().forEach(r -> r.future().completeExceptionally(cause));
  }

  public void failRead(long id, Throwable cause) {
    Read r = reads.get(id);
    if (r != null) {
      r.future().completeExceptionally(cause);
    }
  }
}
