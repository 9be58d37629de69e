package io.akkaetcd.cluster;

import io.akkaetcd.store.PendingRequests;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Proposals and linearizable reads that reached this member while it knew no leader (a member just
 * restarted, or between a leader's loss and the next election). etcd 3.4 does not fail them: its raft
 * node takes no proposal while it has no leader (the proposer blocks until one is known or the request
 * times out), and a read index is resent until a leader answers. So they wait here, in arrival order,
 * and are stepped again once a leader is known; each is still bounded by its request's timeout (a
 * request already answered, timed out, is dropped here and never proposed). Past {@link #CAPACITY}
 * requests or {@link #CAPACITY_BYTES} of proposals waiting, a request fails at once with "no leader".
 */
final class WaitingForLeader {
  static final int CAPACITY = 10_000;
  static final long CAPACITY_BYTES = 64L << 20;

  private final ArrayDeque<RaftActor.Command> waiting = new ArrayDeque<>();
  private long bytes;

  /** Keeps a {@link RaftActor.Propose} or {@link RaftActor.ReadIndex}; false if full. */
  boolean offer(RaftActor.Command request) {
    long size = size(request);
    if (waiting.size() >= CAPACITY || bytes + size > CAPACITY_BYTES) {
      return false;
    }
    waiting.add(request);
    bytes += size;
    return true;
  }

  boolean isEmpty() {
    return waiting.isEmpty();
  }

  /** The requests still waiting for an answer, oldest first, and none kept. */
  List<RaftActor.Command> drain(PendingRequests pending) {
    List<RaftActor.Command> out = waiting.stream().filter(r -> unanswered(r, pending)).toList();
    waiting.clear();
    bytes = 0;
    return out;
  }

  /** Forgets the requests that were answered meanwhile (timed out), so they hold no memory. */
  void prune(PendingRequests pending) {
    waiting.removeIf(r -> {
      boolean answered = !unanswered(r, pending);
      if (answered) {
        bytes -= size(r);
      }
      return answered;
    });
  }

  private static long size(RaftActor.Command r) {
    return r instanceof RaftActor.Propose p ? p.data().length : 0;
  }

  private static boolean unanswered(RaftActor.Command r, PendingRequests pending) {
    if (r instanceof RaftActor.Propose p) {
      return pending.write(p.requestId()) != null;
    }
    return r instanceof RaftActor.ReadIndex ri && pending.read(ri.requestId()) != null;
  }
}
