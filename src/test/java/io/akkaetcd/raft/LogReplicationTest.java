package io.akkaetcd.raft;

import static io.akkaetcd.raft.Drive.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Log replication and repair: paper §5.3 (Log Matching, figure 7), flow control. */
class LogReplicationTest {

    record Figure7Case(String name, long term, long[] terms) {
        @Override
        public String toString() {
            return name;
        }
    }

    /*
     * Figure 7. Index:   1 2 3 4 5 6 7 8 9 10 11 12
     *   leader (term 8): 1 1 1 4 4 5 5 6 6 6
     *   (a)              1 1 1 4 4 5 5 6 6            missing one entry
     *   (b)              1 1 1 4                      missing many
     *   (c)              1 1 1 4 4 5 5 6 6 6 6        one extra uncommitted entry
     *   (d)              1 1 1 4 4 5 5 6 6 6 7 7      extra entries of a later term
     *   (e)              1 1 1 4 4 4 4                missing, plus a conflicting term-4 tail
     *   (f)              1 1 1 2 2 2 3 3 3 3 3        a leader of terms 2 and 3 that committed nothing
     */
    static Stream<Figure7Case> figure7() {
        return Stream.of(
                new Figure7Case("a", 6, new long[] {1, 1, 1, 4, 4, 5, 5, 6, 6}),
                new Figure7Case("b", 4, new long[] {1, 1, 1, 4}),
                new Figure7Case("c", 6, new long[] {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6}),
                new Figure7Case("d", 7, new long[] {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7}),
                new Figure7Case("e", 4, new long[] {1, 1, 1, 4, 4, 4, 4}),
                new Figure7Case("f", 3, new long[] {1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3}));
    }

    /** §5.3: whatever the follower holds, the leader finds the last matching entry and overwrites the rest. */
    @ParameterizedTest(name = "figure 7 ({0})")
    @MethodSource("figure7")
    void leaderRepairsFollowerLog(Figure7Case c) {
        RaftConfig cfg = RaftConfig.defaults(1).withPreVote(false);
        SimulatedNetwork net = new SimulatedNetwork(1);
        Configuration two = voters(2);
        SimulatedNetwork.Member leader = net.add(cfg, new MemoryRaftStorage(two).withLog(7, RaftNode.NONE, 1, 1, 1, 4, 4, 5, 5, 6, 6, 6));
        SimulatedNetwork.Member follower = net.add(cfg.withId(2), new MemoryRaftStorage(two).withLog(c.term(), RaftNode.NONE, c.terms()));
        // Make 1 leader of term 8 whatever 2 thinks of its log (figure 7 takes the leader as given).
        leader.node.campaign();
        leader.node.step(new VoteResponse(2, 1, 8, false, true));
        assertEquals(Role.LEADER, leader.node.role());
        net.flush();
        net.tick(2);
        List<LogEntry> expected = leader.node.logEntries();
        assertEquals(11, expected.size(), "10 entries plus the term-8 no-op");
        assertEquals(expected, follower.node.logEntries());
        assertEquals(11, follower.node.status().commit());
        assertEquals(11, leader.node.status().commit());
    }

    /** §5.3: a follower rejecting an append hints at its last entry of a term <= prevLogTerm. */
    @Test
    void rejectionCarriesConflictHint() {
        // Follower (f) above, probed at index 10 / term 6: its entries 7..10 are term 3 <= 6, so it hints 10;
        // probed at 11 (beyond its log) it hints its last index.
        MemoryRaftStorage s = new MemoryRaftStorage(voters(2)).withLog(3, RaftNode.NONE, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3);
        RaftNode f = node(2, s);
        f.step(new AppendEntriesRequest(1, 2, 8, 10, 6, List.of(), 0));
        AppendEntriesResponse r = only(drain(f, s), AppendEntriesResponse.class).get(0);
        assertTrue(r.reject());
        assertEquals(10, r.index());
        assertEquals(10, r.rejectHint());
        assertEquals(3, r.rejectHintTerm());
        // Leader side: its last entry with term <= 3 is index 3 (term 1), so the next probe is at 4 not 9.
        MemoryRaftStorage ls = new MemoryRaftStorage(voters(2)).withLog(7, RaftNode.NONE, 1, 1, 1, 4, 4, 5, 5, 6, 6, 6);
        RaftLog leaderLog = new RaftLog(ls);
        assertEquals(3, leaderLog.findConflictByTerm(10, 3));
    }

    /** §5.3 with a deposed leader: its uncommitted tail is discarded and never applied anywhere. */
    @Test
    void deposedLeadersUncommittedTailIsOverwritten() {
        SimulatedNetwork net = SimulatedNetwork.of(3, 21);
        SimulatedNetwork.Member old = net.awaitLeader(100);
        old.node.propose(bytes("committed"));
        net.tick(2);
        net.isolate(old.id);
        for (int i = 0; i < 3; i++) {
            assertInstanceOf(ProposeResult.Accepted.class, old.node.propose(bytes("lost" + i)));
        }
        net.tick(1);
        SimulatedNetwork.Member next = net.awaitLeaderOtherThan(old.id, 200);
        assertNotEquals(old.id, next.id);
        next.node.propose(bytes("new"));
        net.tick(2);
        net.heal();
        net.tick(20);
        assertEquals(next.node.logEntries(), old.node.logEntries());
        for (long id = 1; id <= 3; id++) {
            List<String> applied = net.appliedData(id).stream().map(String::new).toList();
            assertEquals(List.of("committed", "new"), applied, "member " + id);
        }
    }

    /** Flow control: in the replicate state at most maxInflightMessages appends are outstanding per follower. */
    @Test
    void inflightWindowBoundsUnacknowledgedAppends() {
        RaftConfig cfg = RaftConfig.defaults(1).withFlowControl(2, 1);
        SimulatedNetwork net = SimulatedNetwork.of(3, 4, cfg);
        SimulatedNetwork.Member leader = net.awaitLeader(100);
        net.tick(2);
        long f = leader.id == 2 ? 3 : 2;
        net.cut(f, leader.id); // acknowledgements are lost
        int before = net.delivered().size();
        for (int i = 0; i < 10; i++) leader.node.propose(bytes("p" + i));
        net.flush();
        long appends = net.delivered().subList(before, net.delivered().size()).stream()
                .filter(m -> m instanceof AppendEntriesRequest a && a.to() == f && !a.entries().isEmpty()).count();
        assertEquals(2, appends);
        net.heal();
        net.tick(5);
        assertEquals(10, net.appliedData(f).size());
    }

    /** §5.3: appends larger than maxEntriesPerMessage are split; all entries still arrive in order. */
    @Test
    void largeBacklogIsSentInBatches() {
        RaftConfig cfg = RaftConfig.defaults(1).withFlowControl(4, 3);
        SimulatedNetwork net = SimulatedNetwork.of(3, 8, cfg);
        SimulatedNetwork.Member leader = net.awaitLeader(100);
        long f = leader.id == 2 ? 3 : 2;
        net.crash(f);
        for (int i = 0; i < 25; i++) leader.node.propose(bytes("p" + i));
        net.tick(2);
        net.restart(f);
        net.tick(20);
        assertEquals(net.appliedData(leader.id).size(), net.appliedData(f).size());
        assertTrue(net.delivered().stream().allMatch(m -> !(m instanceof AppendEntriesRequest a) || a.entries().size() <= 3));
    }
}
