package io.akkaetcd.raft;

/** Pre-candidate and candidate: count votes, or yield to a leader of the same term (paper §5.2). */
final class CandidateStep {
    private CandidateStep() { }

    static void step(RaftNode n, RaftMessage m) {
        if (m instanceof AppendEntriesRequest a) {
            n.becomeFollower(n.term, a.from());
            FollowerStep.handleAppend(n, a);
        } else if (m instanceof HeartbeatRequest h) {
            n.becomeFollower(n.term, h.from());
            FollowerStep.handleHeartbeat(n, h);
        } else if (m instanceof InstallSnapshotRequest s) {
            n.becomeFollower(n.term, s.from());
            FollowerStep.handleSnapshot(n, s);
        } else if (m instanceof VoteResponse r) {
            // Only answers to the round we are running count.
            if (r.preVote() != (n.role == Role.PRE_CANDIDATE)) return;
            n.tracker.recordVote(r.from(), r.granted());
            switch (n.tracker.tallyVotes()) {
                case WON -> {
                    if (n.role == Role.PRE_CANDIDATE) {
                        n.campaign(false, false);
                    } else {
                        n.becomeLeader();
                        LeaderStep.bcastAppend(n);
                    }
                }
                case LOST -> n.becomeFollower(n.term, RaftNode.NONE);
                case PENDING -> { }
            }
        }
    }
}
