package io.akkaetcd.raft;

import static io.akkaetcd.raft.Drive.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * Disruptive servers: pre-vote (thesis §9.6), check quorum (thesis §6.2) and the leader lease that makes
 * followers ignore vote requests while they hear from a leader (thesis §4.2.3).
 */
class PreVoteCheckQuorumTest {

    /** §9.6: a partitioned member never raises its term, so on rejoining it does not depose the leader. */
    @Test
    void rejoiningPartitionedMemberDoesNotDisrupt() {
        SimulatedNetwork net = SimulatedNetwork.of(3, 5);
        SimulatedNetwork.Member leader = net.awaitLeader(100);
        long term = leader.node.term();
        long other = leader.id == 3 ? 2 : 3;
        net.isolate(other);
        net.tick(100);
        assertEquals(term, net.node(other).term(), "pre-vote kept the isolated member's term");
        assertNotEquals(Role.LEADER, net.node(other).role());
        net.heal();
        net.tick(30);
        assertSame(leader, net.leader());
        assertEquals(term, leader.node.term());
        assertEquals(leader.id, net.node(other).leaderId());
    }

    /** Without pre-vote (and without check quorum) the same scenario deposes the leader: the reason for §9.6. */
    @Test
    void withoutPreVoteRejoiningMemberDisrupts() {
        RaftConfig plain = RaftConfig.defaults(1).withPreVote(false).withCheckQuorum(false);
        SimulatedNetwork net = SimulatedNetwork.of(3, 5, plain);
        SimulatedNetwork.Member leader = net.awaitLeader(100);
        long term = leader.node.term();
        long other = leader.id == 3 ? 2 : 3;
        net.isolate(other);
        net.tick(100);
        assertTrue(net.node(other).term() > term + 2);
        net.heal();
        net.tick(50);
        assertTrue(net.awaitLeader(200).node.term() > term, "a new term was forced on the cluster");
    }

    /** §6.2: a leader cut off from a majority steps down within an election timeout or two. */
    @Test
    void isolatedLeaderStepsDown() {
        SimulatedNetwork net = SimulatedNetwork.of(3, 9);
        SimulatedNetwork.Member leader = net.awaitLeader(100);
        net.isolate(leader.id);
        net.tick(2 * 10 + 1);
        assertEquals(Role.FOLLOWER, leader.node.role());
        // The majority side elects someone else; after healing the old leader follows it.
        SimulatedNetwork.Member next = net.awaitLeader(100);
        assertNotEquals(leader.id, next.id);
        net.heal();
        net.tick(10);
        assertEquals(next.id, leader.node.leaderId());
        assertEquals(next.node.term(), leader.node.term());
    }

    /** §4.2.3: a follower that heard from its leader within the election timeout ignores a vote request. */
    @Test
    void followerInLeaseIgnoresVoteRequests() {
        MemoryRaftStorage s = new MemoryRaftStorage(voters(3));
        RaftNode n = node(1, s);
        n.step(new HeartbeatRequest(2, 1, 1, 0, 0));
        drain(n, s);
        n.step(new VoteRequest(3, 1, 2, 10, 1, false, false));
        assertTrue(drain(n, s).isEmpty(), "no answer at all");
        assertEquals(1, n.term());
        // ...but a leadership transfer (thesis §3.10) is allowed through.
        n.step(new VoteRequest(3, 1, 2, 10, 1, false, true));
        assertTrue(only(drain(n, s), VoteResponse.class).get(0).granted());
        assertEquals(2, n.term());
    }

    /** §9.6: pre-vote answers neither change the voter's term nor record a vote. */
    @Test
    void preVoteLeavesVoterStateAlone() {
        MemoryRaftStorage s = new MemoryRaftStorage(voters(3));
        RaftNode n = node(1, s);
        n.step(new VoteRequest(2, 1, 1, 0, 0, true, false));
        VoteResponse r = only(drain(n, s), VoteResponse.class).get(0);
        assertTrue(r.granted());
        assertTrue(r.preVote());
        assertEquals(1, r.term(), "a granted pre-vote echoes the campaign term");
        assertEquals(0, n.term());
        assertEquals(RaftNode.NONE, s.hardState().vote());
    }

    /** A pre-candidate that wins the pre-vote round runs the real election at term+1. */
    @Test
    void preCandidateBecomesCandidateThenLeader() {
        MemoryRaftStorage s = new MemoryRaftStorage(voters(3));
        RaftNode n = node(1, s);
        n.campaign();
        assertEquals(Role.PRE_CANDIDATE, n.role());
        drain(n, s);
        n.step(new VoteResponse(2, 1, 1, true, true));
        assertEquals(Role.CANDIDATE, n.role());
        assertEquals(1, n.term());
        n.step(new VoteResponse(3, 1, 1, false, true));
        assertEquals(Role.LEADER, n.role());
    }
}
