package io.akkaetcd.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * Leader: replication with per-follower flow control (paper §5.3), commitment (§5.4.2), heartbeats and check
 * quorum (thesis §6.2), ReadIndex (thesis §6.4) and leadership transfer (thesis §3.10).
 */
final class LeaderStep {
    private LeaderStep() { }

    static void tick(RaftNode n) {
        n.heartbeatElapsed++;
        n.electionElapsed++;
        if (n.electionElapsed >= n.config.electionTicks()) {
            n.electionElapsed = 0;
            if (n.config.checkQuorum()) {
                if (!n.tracker.quorumActive(n.id)) {
                    // Cut off from a majority for a whole election timeout: someone else may lead by now, so stop
                    // serving as leader (and stop any ReadIndex from being answered by a deposed leader).
                    n.becomeFollower(n.term, RaftNode.NONE);
                    return;
                }
                n.tracker.resetRecentActive(n.id);
            }
            // A transfer that has not completed within an election timeout is abandoned (thesis §3.10).
            n.leadTransferee = RaftNode.NONE;
        }
        if (n.heartbeatElapsed >= n.config.heartbeatTicks()) {
            n.heartbeatElapsed = 0;
            bcastHeartbeat(n, n.readOnly.lastPendingContext());
        }
    }

    static void step(RaftNode n, RaftMessage m) {
        Progress pr = n.tracker.get(m.from());
        if (pr == null) return; // not a member (any more)
        if (m instanceof AppendEntriesResponse r) {
            pr.recentActive = true;
            if (r.reject()) handleReject(n, pr, r); else handleAck(n, pr, r.from(), r.index());
        } else if (m instanceof InstallSnapshotResponse r) {
            pr.recentActive = true;
            handleAck(n, pr, r.from(), r.index());
        } else if (m instanceof HeartbeatResponse h) {
            pr.recentActive = true;
            pr.probeSent = false;
            // The follower is alive but an append may have been lost: free one slot so the window cannot stay
            // full forever; a gap is then repaired through the usual rejection.
            if (pr.state == Progress.State.REPLICATE && pr.inflights.full()) pr.inflights.freeFirst();
            if (pr.match < n.log.lastIndex()) maybeSendAppend(n, h.from(), true);
            if (h.readContext() != 0 && n.tracker.config.isVoter(h.from())) {
                if (n.readOnly.recvAck(h.from(), h.readContext()) >= n.tracker.config.quorum()) {
                    for (ReadOnly.PendingRead r : n.readOnly.release(h.readContext())) {
                        deliverRead(n, r.from(), r.requestId(), r.index());
                    }
                }
            }
        } else if (m instanceof ReadIndexRequest r) {
            readIndex(n, r.requestId(), r.from());
        }
    }

    private static void handleReject(RaftNode n, Progress pr, AppendEntriesResponse r) {
        long nextProbe = r.rejectHint();
        if (r.rejectHintTerm() > 0) {
            // Find our last index whose term is <= the follower's term at its hint: the logs cannot agree above it.
            nextProbe = n.log.findConflictByTerm(r.rejectHint(), r.rejectHintTerm());
        }
        if (pr.maybeDecrTo(r.index(), nextProbe)) {
            if (pr.state == Progress.State.REPLICATE) pr.becomeProbe();
            maybeSendAppend(n, r.from(), true);
        }
    }

    private static void handleAck(RaftNode n, Progress pr, long from, long index) {
        boolean wasPaused = pr.isPaused();
        if (!pr.maybeUpdate(index)) {
            if (wasPaused && !pr.isPaused()) maybeSendAppend(n, from, true);
            return;
        }
        switch (pr.state) {
            case PROBE -> pr.becomeReplicate();
            case SNAPSHOT -> {
                if (pr.match + 1 >= n.log.firstIndex()) {
                    pr.becomeProbe();
                    pr.becomeReplicate();
                }
            }
            case REPLICATE -> pr.inflights.freeLE(index);
        }
        if (maybeCommit(n)) {
            bcastAppend(n);
        } else if (wasPaused) {
            maybeSendAppend(n, from, true);
        }
        // Stream whatever else the window allows.
        while (maybeSendAppend(n, from, false)) { }
        if (from == n.leadTransferee && pr.match == n.log.lastIndex()) {
            n.send(new TimeoutNowRequest(n.id, from, n.term));
        }
    }

    /**
     * Paper §5.4.2: advance commit to the highest index on a majority, but only if that entry is of the current
     * term; earlier terms' entries commit indirectly with it (figure 8).
     */
    static boolean maybeCommit(RaftNode n) {
        if (!n.log.maybeCommit(n.tracker.committedIndex(), n.term)) return false;
        if (!n.readsAwaitingTermCommit.isEmpty()) {
            List<long[]> waiting = new ArrayList<>(n.readsAwaitingTermCommit);
            n.readsAwaitingTermCommit.clear();
            for (long[] w : waiting) readIndex(n, w[0], w[1]);
        }
        return true;
    }

    static void bcastAppend(RaftNode n) {
        for (long peer : n.tracker.progress.keySet()) {
            if (peer != n.id) maybeSendAppend(n, peer, true);
        }
    }

    /** Send the next batch of entries to peer (or a snapshot if they are compacted). False if nothing was sent. */
    static boolean maybeSendAppend(RaftNode n, long peer, boolean sendIfEmpty) {
        Progress pr = n.tracker.get(peer);
        if (pr == null || pr.isPaused()) return false;
        RaftLog log = n.log;
        long prevIndex = pr.next - 1;
        long prevTerm = log.term(prevIndex);
        if (prevTerm == RaftLog.NO_TERM || pr.next < log.firstIndex()) return sendSnapshot(n, peer, pr);
        List<LogEntry> ents = pr.next > log.lastIndex() ? List.of()
                : log.slice(pr.next, log.lastIndex() + 1, n.config.maxEntriesPerMessage(), n.config.maxBytesPerMessage());
        if (ents.isEmpty() && !sendIfEmpty) return false;
        n.send(new AppendEntriesRequest(n.id, peer, n.term, prevIndex, prevTerm, ents, log.committed));
        pr.sentEntries(ents.size(), ents.isEmpty() ? prevIndex : ents.get(ents.size() - 1).index());
        return true;
    }

    /** Paper §7: the entries the follower needs are gone, send the snapshot that replaced them. */
    private static boolean sendSnapshot(RaftNode n, long peer, Progress pr) {
        if (!pr.recentActive) return false; // do not ship a snapshot into the void
        Snapshot s = n.log.snapshot();
        if (s.isEmpty()) return false;
        pr.becomeSnapshot(s.index());
        n.send(new InstallSnapshotRequest(n.id, peer, n.term, s));
        return true;
    }

    static void bcastHeartbeat(RaftNode n, long readContext) {
        for (var e : n.tracker.progress.entrySet()) {
            long peer = e.getKey();
            if (peer == n.id) continue;
            // Never tell a follower to commit past what it is known to hold.
            long commit = Math.min(e.getValue().match, n.log.committed);
            n.send(new HeartbeatRequest(n.id, peer, n.term, commit, readContext));
        }
    }

    /**
     * Thesis §6.4: (1) the leader must have committed an entry of its term, so its commit index is current;
     * (2) record the commit index as the read index; (3) confirm leadership with a heartbeat round; (4) the read
     * is served once the state machine has applied the read index.
     */
    static void readIndex(RaftNode n, long requestId, long from) {
        if (n.log.term(n.log.committed) != n.term) {
            n.readsAwaitingTermCommit.add(new long[] {requestId, from});
            return;
        }
        long index = n.log.committed;
        if (n.tracker.config.voters().size() == 1 && n.tracker.config.isVoter(n.id)) {
            deliverRead(n, from, requestId, index);
            return;
        }
        n.readOnly.add(index, requestId, from, n.id);
        // One heartbeat round, sent when the next Ready is taken, confirms every read that arrived before it
        // (etcd's server batches concurrent reads into one ReadIndex the same way).
        n.readHeartbeatDue = true;
    }

    private static void deliverRead(RaftNode n, long from, long requestId, long index) {
        if (from == n.id) {
            n.pendingReadStates.add(new ReadState(requestId, index));
        } else {
            n.send(new ReadIndexResponse(n.id, from, n.term, requestId, index));
        }
    }

    static boolean transferLeadership(RaftNode n, long target) {
        if (n.role != Role.LEADER || target == n.id || !n.tracker.config.isVoter(target)) return false;
        if (n.leadTransferee == target) return true;
        n.leadTransferee = target;
        // The transfer must finish within an election timeout (checked in tick).
        n.electionElapsed = 0;
        Progress pr = n.tracker.get(target);
        if (pr.match == n.log.lastIndex()) {
            n.send(new TimeoutNowRequest(n.id, target, n.term));
        } else {
            maybeSendAppend(n, target, true);
        }
        return true;
    }
}
