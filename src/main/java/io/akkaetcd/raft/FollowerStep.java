package io.akkaetcd.raft;

/**
 * Follower handling of same-term messages, and the log-side handlers a candidate reuses once it learns of the
 * leader. Every message from the leader resets the election timer and so renews the leader lease.
 */
final class FollowerStep {
    private FollowerStep() { }

    static void step(RaftNode n, RaftMessage m) {
        if (m instanceof AppendEntriesRequest a) {
            heardFromLeader(n, a);
            handleAppend(n, a);
        } else if (m instanceof HeartbeatRequest h) {
            heardFromLeader(n, h);
            handleHeartbeat(n, h);
        } else if (m instanceof InstallSnapshotRequest s) {
            heardFromLeader(n, s);
            handleSnapshot(n, s);
        } else if (m instanceof TimeoutNowRequest) {
            n.hup(true);
        } else if (m instanceof ReadIndexResponse r) {
            n.pendingReadStates.add(new ReadState(r.requestId(), r.index()));
        }
    }

    private static void heardFromLeader(RaftNode n, RaftMessage m) {
        n.electionElapsed = 0;
        n.leaderId = m.from();
    }

    /** Paper §5.3: accept entries only after a matching (prevLogIndex, prevLogTerm); otherwise hint where to retry. */
    static void handleAppend(RaftNode n, AppendEntriesRequest a) {
        RaftLog log = n.log;
        if (a.prevLogIndex() < log.committed) {
            // Everything up to commit already matches the leader (Log Matching); resume from there.
            n.send(new AppendEntriesResponse(n.id, a.from(), n.term, log.committed, false, 0, 0));
            return;
        }
        long lastNew = log.maybeAppend(a.prevLogIndex(), a.prevLogTerm(), a.leaderCommit(), a.entries());
        if (lastNew >= 0) {
            n.send(new AppendEntriesResponse(n.id, a.from(), n.term, lastNew, false, 0, 0));
            return;
        }
        // Reject, and point the leader at our last entry whose term is <= prevLogTerm: every entry above it is
        // certain not to match, so the leader can skip them all (the optimisation at the end of §5.3).
        long hint = Math.min(a.prevLogIndex(), log.lastIndex());
        hint = log.findConflictByTerm(hint, a.prevLogTerm());
        long hintTerm = log.term(hint);
        n.send(new AppendEntriesResponse(n.id, a.from(), n.term, a.prevLogIndex(), true, hint, Math.max(hintTerm, 0)));
    }

    static void handleHeartbeat(RaftNode n, HeartbeatRequest h) {
        // The leader sends min(our match, its commit), so this never passes what we hold.
        n.log.commitTo(h.commit());
        n.send(new HeartbeatResponse(n.id, h.from(), n.term, h.readContext()));
    }

    static void handleSnapshot(RaftNode n, InstallSnapshotRequest s) {
        n.restore(s.snapshot());
        n.send(new InstallSnapshotResponse(n.id, s.from(), n.term, Math.max(n.log.committed, 0)));
    }
}
