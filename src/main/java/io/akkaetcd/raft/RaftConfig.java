package io.akkaetcd.raft;

/**
 * Tunables of one Raft member. Time is logical: the driver calls {@link RaftNode#tick()} on a timer,
 * and every timeout here is counted in ticks.
 *
 * @param id                   this member's id; never {@link RaftNode#NONE} (0)
 * @param electionTicks        a follower that hears no leader for a random number of ticks in
 *                             [electionTicks, 2*electionTicks) starts an election (paper §5.2); also the
 *                             check-quorum window and the leader-transfer deadline
 * @param heartbeatTicks       the leader sends heartbeats every heartbeatTicks; must be below electionTicks
 * @param preVote              run a pre-vote round before bumping the term (thesis §9.6)
 * @param checkQuorum          a leader steps down if it has not heard from a quorum for electionTicks, and a
 *                             follower that heard from a leader within electionTicks ignores votes (thesis §6.2, §4.2.3)
 * @param maxInflightMessages  flow control: appends in flight to one follower in the replicate state
 * @param maxEntriesPerMessage cap on entries in one AppendEntriesRequest (at least one is always sent)
 * @param maxBytesPerMessage   cap on entry payload bytes in one AppendEntriesRequest
 */
public record RaftConfig(long id, int electionTicks, int heartbeatTicks, boolean preVote, boolean checkQuorum,
                         int maxInflightMessages, int maxEntriesPerMessage, long maxBytesPerMessage) {

    public RaftConfig {
        if (id == RaftNode.NONE) throw new IllegalArgumentException("id must not be 0");
        if (heartbeatTicks <= 0) throw new IllegalArgumentException("heartbeatTicks must be > 0");
        if (electionTicks <= heartbeatTicks) throw new IllegalArgumentException("electionTicks must be > heartbeatTicks");
        if (maxInflightMessages <= 0) throw new IllegalArgumentException("maxInflightMessages must be > 0");
        if (maxEntriesPerMessage <= 0) throw new IllegalArgumentException("maxEntriesPerMessage must be > 0");
        if (maxBytesPerMessage <= 0) throw new IllegalArgumentException("maxBytesPerMessage must be > 0");
    }

    /** etcd's defaults: election 10 ticks, heartbeat 1 tick, pre-vote and check-quorum on. */
    public static RaftConfig defaults(long id) {
        return new RaftConfig(id, 10, 1, true, true, 256, 64, 1L << 20);
    }

    public RaftConfig withPreVote(boolean on) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, on, checkQuorum, maxInflightMessages, maxEntriesPerMessage, maxBytesPerMessage);
    }

    public RaftConfig withCheckQuorum(boolean on) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, preVote, on, maxInflightMessages, maxEntriesPerMessage, maxBytesPerMessage);
    }

    public RaftConfig withFlowControl(int inflight, int entriesPerMessage) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, preVote, checkQuorum, inflight, entriesPerMessage, maxBytesPerMessage);
    }

    public RaftConfig withId(long newId) {
        return new RaftConfig(newId, electionTicks, heartbeatTicks, preVote, checkQuorum, maxInflightMessages, maxEntriesPerMessage, maxBytesPerMessage);
    }
}
