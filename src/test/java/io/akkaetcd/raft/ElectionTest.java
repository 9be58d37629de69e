package io.akkaetcd.raft;

import static io.akkaetcd.raft.Drive.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Leader election: paper §5.2 (votes, timeouts), §5.4.1 (election restriction), §5.1 (terms). */
class ElectionTest {

    record VoteCase(int clusterSize, int granted, int rejected, Role expected) { }

    static Stream<VoteCase> voteCases() {
        return Stream.of(
                new VoteCase(1, 0, 0, Role.LEADER),
                new VoteCase(3, 1, 0, Role.LEADER),
                new VoteCase(3, 0, 1, Role.CANDIDATE),
                new VoteCase(3, 0, 2, Role.FOLLOWER),
                new VoteCase(4, 1, 0, Role.CANDIDATE),
                new VoteCase(4, 2, 0, Role.LEADER),
                new VoteCase(4, 1, 2, Role.FOLLOWER),
                new VoteCase(5, 2, 0, Role.LEADER),
                new VoteCase(5, 1, 2, Role.CANDIDATE),
                new VoteCase(5, 1, 3, Role.FOLLOWER),
                new VoteCase(5, 0, 2, Role.CANDIDATE));
    }

    /** §5.2: a candidate wins with votes from a majority (its own included), loses once a majority refused. */
    @ParameterizedTest
    @MethodSource("voteCases")
    void candidateNeedsAMajority(VoteCase c) {
        MemoryRaftStorage s = new MemoryRaftStorage(voters(c.clusterSize()));
        RaftNode n = node(RaftConfig.defaults(1).withPreVote(false), s);
        n.campaign();
        drain(n, s);
        long voter = 2;
        for (int i = 0; i < c.granted(); i++) n.step(new VoteResponse(voter++, 1, n.term(), false, true));
        for (int i = 0; i < c.rejected(); i++) n.step(new VoteResponse(voter++, 1, n.term(), false, false));
        assertEquals(c.expected(), n.role());
    }

    record LogCase(long candidateLastIndex, long candidateLastTerm, boolean granted) { }

    static Stream<LogCase> upToDateCases() {
        // The voter's log is [t1, t2] (last index 2, last term 2).
        return Stream.of(
                new LogCase(5, 1, false), // longer but older last term
                new LogCase(1, 2, false), // same last term, shorter
                new LogCase(2, 2, true),  // identical
                new LogCase(3, 2, true),  // same term, longer
                new LogCase(1, 3, true)); // newer last term wins even if shorter
    }

    /** §5.4.1: a vote is granted only to a candidate whose log is at least as up to date. */
    @ParameterizedTest
    @MethodSource("upToDateCases")
    void electionRestriction(LogCase c) {
        MemoryRaftStorage s = new MemoryRaftStorage(voters(3)).withLog(2, RaftNode.NONE, 1, 2);
        RaftNode n = node(1, s);
        n.step(new VoteRequest(2, 1, 3, c.candidateLastIndex(), c.candidateLastTerm(), false, false));
        VoteResponse r = only(drain(n, s), VoteResponse.class).get(0);
        assertEquals(c.granted(), r.granted());
        assertEquals(3, n.term(), "§5.1: a higher term is adopted either way");
    }

    /** §5.2: at most one vote per term, and it is persisted before the answer leaves. */
    @Test
    void oneVotePerTerm() {
        MemoryRaftStorage s = new MemoryRaftStorage(voters(3));
        RaftNode n = node(1, s);
        n.step(new VoteRequest(2, 1, 1, 0, 0, false, false));
        assertTrue(only(drain(n, s), VoteResponse.class).get(0).granted());
        assertEquals(2, s.hardState().vote());
        n.step(new VoteRequest(3, 1, 1, 0, 0, false, false));
        assertFalse(only(drain(n, s), VoteResponse.class).get(0).granted());
        n.step(new VoteRequest(2, 1, 1, 0, 0, false, false));
        assertTrue(only(drain(n, s), VoteResponse.class).get(0).granted(), "repeating the same vote is fine");
    }

    /** §5.2: election timeouts are drawn from [electionTicks, 2*electionTicks) so split votes resolve. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void electionTimeoutIsRandomizedInRange(long seed) {
        MemoryRaftStorage s = new MemoryRaftStorage(voters(3));
        RaftNode n = new RaftNode(RaftConfig.defaults(1), s, new java.util.SplittableRandom(seed));
        int ticks = 0;
        while (n.role() == Role.FOLLOWER) {
            n.tick();
            ticks++;
        }
        assertTrue(ticks >= 10 && ticks < 20, "timed out after " + ticks);
        assertEquals(Role.PRE_CANDIDATE, n.role());
        assertEquals(0, n.term(), "pre-vote does not bump the term");
    }

    /** §5.1: a leader that sees a higher term steps down. */
    @Test
    void leaderStepsDownOnHigherTerm() {
        SimulatedNetwork net = SimulatedNetwork.of(3, 7);
        SimulatedNetwork.Member leader = net.awaitLeader(100);
        long t = leader.node.term();
        leader.node.step(new AppendEntriesResponse(2, leader.id, t + 5, 0, false, 0, 0));
        assertEquals(Role.FOLLOWER, leader.node.role());
        assertEquals(t + 5, leader.node.term());
    }

    /** §5.2 Election Safety: at most one leader per term, over many seeds with lossy links and crashes. */
    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void atMostOneLeaderPerTerm(long seed) {
        SimulatedNetwork net = SimulatedNetwork.of(5, seed);
        net.setDropRate(0.2);
        net.setMaxDelayTicks(2);
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        Map<Long, Long> leaderByTerm = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            if (i % 50 == 0) {
                long victim = 1 + r.nextInt(5);
                if (net.member(victim).up) net.crash(victim); else net.restart(victim);
            }
            net.tick(1);
            for (SimulatedNetwork.Member m : net.members()) {
                if (m.up && m.node.role() == Role.LEADER) {
                    Long prev = leaderByTerm.putIfAbsent(m.node.term(), m.id);
                    assertTrue(prev == null || prev == m.id, "two leaders in term " + m.node.term());
                }
            }
        }
        assertFalse(leaderByTerm.isEmpty());
    }

    /** §5.2: a 5-member cluster keeps electing leaders while a minority is down. */
    @Test
    void electsWithMinorityDown() {
        SimulatedNetwork net = SimulatedNetwork.of(5, 3);
        net.crash(1);
        net.crash(2);
        SimulatedNetwork.Member l = net.awaitLeader(200);
        assertTrue(List.of(3L, 4L, 5L).contains(l.id));
        net.crash(l.id);
        assertThrows(AssertionError.class, () -> net.awaitLeader(200), "no majority, no leader");
    }
}
