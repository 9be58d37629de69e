package io.akkaetcd.raft;

import static io.akkaetcd.raft.Drive.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Linearizable reads without writing to the log: ReadIndex (thesis §6.4, paper §8). */
class ReadIndexTest {

    /** §6.4: the read index is the commit index at arrival; served after a heartbeat round and apply. */
    @Test
    void leaderServesReadAfterHeartbeatQuorum() {
        SimulatedNetwork net = SimulatedNetwork.of(3, 2);
        SimulatedNetwork.Member leader = net.awaitLeader(100);
        ProposeResult.Accepted w = (ProposeResult.Accepted) leader.node.propose(bytes("x"));
        net.flush();
        assertTrue(leader.node.readIndex(7));
        net.flush();
        assertEquals(1, leader.readStates.size());
        ReadState rs = leader.readStates.get(0);
        assertEquals(7, rs.requestId());
        assertTrue(rs.index() >= w.index(), "the read sees the acknowledged write");
    }

    /** §6.4 step 1: a new leader answers no read before it committed an entry of its own term. */
    @Test
    void newLeaderWaitsForItsFirstCommit() {
        MemoryRaftStorage s = new MemoryRaftStorage(voters(3));
        RaftNode n = node(RaftConfig.defaults(1).withPreVote(false), s);
        n.campaign();
        n.step(new VoteResponse(2, 1, 1, false, true));
        drain(n, s);
        n.readIndex(9);
        List<RaftMessage> out = drain(n, s);
        assertTrue(only(out, HeartbeatRequest.class).stream().allMatch(h -> h.readContext() == 0), "no read round yet");
        n.step(new AppendEntriesResponse(2, 1, 1, 1, false, 0, 0)); // the no-op commits
        List<HeartbeatRequest> round = only(drain(n, s), HeartbeatRequest.class);
        assertFalse(round.isEmpty());
        long ctx = round.get(0).readContext();
        assertNotEquals(0, ctx);
        n.step(new HeartbeatResponse(2, 1, 1, ctx));
        Ready rd = n.ready();
        assertEquals(List.of(new ReadState(9, 1)), rd.readStates());
        n.advance(rd);
    }

    /** §6.4 step 3: a leader cut off from the majority cannot confirm leadership, so it never answers. */
    @Test
    void partitionedLeaderServesNoRead() {
        SimulatedNetwork net = SimulatedNetwork.of(3, 6);
        SimulatedNetwork.Member old = net.awaitLeader(100);
        net.tick(2);
        net.isolate(old.id);
        old.node.readIndex(1);
        net.tick(40);
        assertTrue(old.readStates.isEmpty());
        // Meanwhile the majority side elects a leader that can serve reads, including a write the old one missed.
        SimulatedNetwork.Member next = net.awaitLeaderOtherThan(old.id, 100);
        ProposeResult.Accepted w = (ProposeResult.Accepted) next.node.propose(bytes("y"));
        net.flush(); // y is acknowledged before the read starts
        next.node.readIndex(2);
        net.tick(2);
        assertEquals(1, next.readStates.size());
        assertTrue(next.readStates.get(0).index() >= w.index());
    }

    /**
     * Reads that arrive between two Readys share one heartbeat round (as etcd's server batches concurrent reads
     * into one ReadIndex): one HeartbeatRequest per peer, and a quorum's answer to it releases all of them, each
     * at the commit index it arrived at.
     */
    @Test
    void readsBetweenTwoReadysShareOneHeartbeatRound() {
        MemoryRaftStorage s = new MemoryRaftStorage(voters(3));
        RaftNode n = node(RaftConfig.defaults(1).withPreVote(false), s);
        n.campaign();
        n.step(new VoteResponse(2, 1, 1, false, true));
        drain(n, s);
        n.step(new AppendEntriesResponse(2, 1, 1, 1, false, 0, 0)); // the no-op commits
        drain(n, s);
        n.readIndex(5);
        n.step(new ReadIndexRequest(3, 1, 1, 6)); // a follower's read
        n.readIndex(7);
        List<HeartbeatRequest> round = only(drain(n, s), HeartbeatRequest.class);
        assertEquals(2, round.size(), "one heartbeat to each peer, not one per read: " + round);
        long ctx = round.get(0).readContext();
        assertNotEquals(0, ctx);
        assertEquals(ctx, round.get(1).readContext());
        assertFalse(n.hasReady(), "no second round");
        n.step(new HeartbeatResponse(2, 1, 1, ctx));
        Ready rd = n.ready();
        assertEquals(List.of(new ReadState(5, 1), new ReadState(7, 1)), rd.readStates());
        assertEquals(List.of(new ReadIndexResponse(1, 3, 1, 6, 1)), only(rd.messages(), ReadIndexResponse.class));
        n.advance(rd);
    }

    /** §6.4: followers forward reads to the leader; a read started after a write was acknowledged sees it. */
    @Test
    void followerReadIsForwardedAndSeesAcknowledgedWrite() {
        SimulatedNetwork net = SimulatedNetwork.of(3, 2);
        SimulatedNetwork.Member leader = net.awaitLeader(100);
        long f = leader.id == 2 ? 3 : 2;
        ProposeResult.Accepted w = (ProposeResult.Accepted) leader.node.propose(bytes("x"));
        net.flush();
        assertTrue(net.member(leader.id).applied.stream().anyMatch(e -> e.index() == w.index()), "x acknowledged");
        assertTrue(net.node(f).readIndex(42));
        net.flush();
        SimulatedNetwork.Member fm = net.member(f);
        assertEquals(1, fm.readStates.size());
        assertEquals(42, fm.readStates.get(0).requestId());
        assertTrue(fm.readStates.get(0).index() >= w.index());
        assertTrue(fm.appliedIndex >= fm.readStates.get(0).index());
    }

    /** §6.4 step 4: a read index from the leader is held back until this member has applied up to it. */
    @Test
    void followerHoldsReadUntilApplied() {
        MemoryRaftStorage s = new MemoryRaftStorage(voters(3));
        RaftNode f = node(2, s);
        f.step(new HeartbeatRequest(1, 2, 1, 0, 0));
        drain(f, s);
        f.step(new ReadIndexResponse(1, 2, 1, 77, 2));
        assertFalse(f.hasReady(), "nothing applied up to 2 yet");
        f.step(new AppendEntriesRequest(1, 2, 1, 0, 0,
                List.of(LogEntry.normal(1, 1, bytes("a")), LogEntry.normal(2, 1, bytes("b"))), 2));
        Ready rd = f.ready();
        assertEquals(2, rd.committedEntries().size());
        assertEquals(List.of(new ReadState(77, 2)), rd.readStates(), "served after applying this Ready's entries");
        f.advance(rd);
    }

    /** Without a known leader there is nobody to ask. */
    @Test
    void noLeaderNoRead() {
        MemoryRaftStorage s = new MemoryRaftStorage(voters(3));
        assertFalse(node(1, s).readIndex(1));
    }

    /** A single-member cluster is its own quorum: reads need no round trip. */
    @Test
    void singleMemberReadsImmediately() {
        SimulatedNetwork net = SimulatedNetwork.of(1, 1);
        SimulatedNetwork.Member l = net.awaitLeader(50);
        l.node.readIndex(3);
        net.flush();
        assertEquals(List.of(new ReadState(3, l.node.status().commit())), l.readStates);
    }
}
