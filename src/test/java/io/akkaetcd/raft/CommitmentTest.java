package io.akkaetcd.raft;

import static io.akkaetcd.raft.Drive.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Commitment (paper §5.4.2, figure 8) and Leader Completeness (§5.4.3). */
class CommitmentTest {

    /** Leader 1 of a 5-member cluster at term 3 holds [t1 t1 t2 t2] plus its no-op (index 5, term 3). */
    record CommitCase(long[] peerMatches, long expectedCommit) {
        @Override
        public String toString() {
            return java.util.Arrays.toString(peerMatches) + " -> " + expectedCommit;
        }
    }

    static Stream<CommitCase> commitCases() {
        return Stream.of(
                new CommitCase(new long[] {4, 4, 0, 0}, 0), // a majority holds index 4, but it is of term 2
                new CommitCase(new long[] {5, 4, 4, 0}, 0), // the majority point is still index 4
                new CommitCase(new long[] {5, 0, 0, 0}, 0), // only two of five hold the no-op
                new CommitCase(new long[] {5, 5, 0, 0}, 5), // the no-op is on a majority: it and all before commit
                new CommitCase(new long[] {5, 5, 5, 5}, 5));
    }

    @ParameterizedTest
    @MethodSource("commitCases")
    void leaderCommitsOnlyCurrentTermEntriesByCounting(CommitCase c) {
        MemoryRaftStorage s = new MemoryRaftStorage(voters(5)).withLog(2, RaftNode.NONE, 1, 1, 2, 2);
        RaftNode n = node(RaftConfig.defaults(1).withPreVote(false), s);
        n.campaign();
        n.step(new VoteResponse(2, 1, 3, false, true));
        n.step(new VoteResponse(3, 1, 3, false, true));
        assertEquals(Role.LEADER, n.role());
        drain(n, s);
        for (int i = 0; i < c.peerMatches().length; i++) {
            if (c.peerMatches()[i] > 0) n.step(new AppendEntriesResponse(i + 2, 1, 3, c.peerMatches()[i], false, 0, 0));
        }
        assertEquals(c.expectedCommit(), n.status().commit());
    }

    /**
     * Thesis §10.2.1: a steady leader sends its appends before its own disk write ends, so it must not count its
     * own copy until the driver reports it persisted; a majority of followers can still commit without it.
     */
    @Test
    void leaderSendsFirstButCountsItsOwnEntryOnlyOncePersisted() {
        MemoryRaftStorage s = new MemoryRaftStorage(voters(3));
        RaftNode n = node(RaftConfig.defaults(1).withPreVote(false), s);
        n.campaign();
        n.step(new VoteResponse(2, 1, 1, false, true));
        Ready election = n.ready();
        assertFalse(election.sendBeforePersist(), "a new term and vote must be durable before anything is sent");
        s.append(election.entries());
        s.setHardState(election.hardState());
        n.advance(election);
        for (long peer : List.of(2L, 3L)) n.step(new AppendEntriesResponse(peer, 1, 1, 1, false, 0, 0));
        drain(n, s);
        long noop = n.status().commit();

        n.propose(bytes("x"));
        Ready rd = n.ready();
        assertTrue(rd.sendBeforePersist());
        assertEquals(2, only(rd.messages(), AppendEntriesRequest.class).size(), "appends go out with the entry");
        n.step(new AppendEntriesResponse(2, 1, 1, noop + 1, false, 0, 0));
        assertEquals(noop, n.status().commit(), "one follower plus the leader's unwritten copy is not a majority");
        s.append(rd.entries());
        n.advance(rd);
        assertEquals(noop + 1, n.status().commit(), "committed once the leader's own copy is on disk");

        n.propose(bytes("y"));
        Ready next = n.ready();
        n.step(new AppendEntriesResponse(2, 1, 1, noop + 2, false, 0, 0));
        n.step(new AppendEntriesResponse(3, 1, 1, noop + 2, false, 0, 0));
        assertEquals(noop + 2, n.status().commit(), "both followers are a majority without the leader's disk");
        s.append(next.entries());
        n.advance(next);
    }

    /*
     * Figure 8 played out. (a) S1 leads term 2 and replicates index 2 to S2 only. (b) S1 crashes; S5 leads term 3
     * with a different index 2 that nobody else gets. (c) S5 crashes, S1 leads term 4 and copies its index 2
     * (term 2) to S3: it is now on a majority but must NOT count as committed, because (d) S5 could still win
     * with its term-3 entry and overwrite it. Only once S1 replicates an entry of term 4 is index 2 committed (e).
     */
    @Test
    void figure8() {
        SimulatedNetwork net = SimulatedNetwork.of(5, 8, RaftConfig.defaults(1).withPreVote(false));
        net.elect(1);
        net.tick(1);
        net.partition(java.util.Set.of(1L, 2L));
        net.node(1).propose(bytes("from term 2"));
        net.tick(1);
        net.crash(1);
        net.heal();
        net.partition(java.util.Set.of(5L)); // S5 alone gets its own term-3 entry
        net.elect(5);
        assertEquals(Role.CANDIDATE, net.node(5).role(), "S5 cannot win alone");
        net.heal();
        net.crash(2);
        net.crash(5);
        net.restart(1);
        // S1 comes back and leads with S3 and S4 (S2, S5 down); its term-2 entry reaches S3 and S4.
        SimulatedNetwork.Member s1 = net.awaitLeader(300);
        assertEquals(1, s1.id);
        net.tick(2);
        long idx = s1.node.logEntries().stream().filter(e -> new String(e.data()).equals("from term 2")).findFirst().orElseThrow().index();
        assertTrue(s1.node.status().commit() >= idx, "committed together with S1's term-4 no-op");
        for (long id : List.of(1L, 3L, 4L)) {
            assertEquals(List.of("from term 2"), net.appliedData(id).stream().map(String::new).toList());
        }
    }

    /** §5.4.3: a member missing committed entries cannot become leader; the new leader has them all. */
    @Test
    void leaderCompleteness() {
        SimulatedNetwork net = SimulatedNetwork.of(3, 12);
        SimulatedNetwork.Member leader = net.awaitLeader(100);
        long lagging = leader.id == 3 ? 2 : 3;
        long other = 6 - leader.id - lagging;
        net.isolate(lagging);
        for (int i = 0; i < 5; i++) leader.node.propose(bytes("c" + i));
        net.tick(2);
        assertEquals(5, net.appliedData(other).size());
        net.crash(leader.id);
        net.heal();
        SimulatedNetwork.Member next = net.awaitLeader(300);
        assertEquals(other, next.id, "the lagging member's log is not up to date, it cannot win");
        net.tick(3);
        assertEquals(5, net.appliedData(lagging).size());
    }
}
