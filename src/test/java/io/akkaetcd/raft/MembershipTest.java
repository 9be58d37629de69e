package io.akkaetcd.raft;

import static io.akkaetcd.raft.Drive.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Single-server membership changes (paper §6, thesis §4.1-§4.2) and learners (thesis §4.2.1). */
class MembershipTest {

    private static void change(SimulatedNetwork net, ConfChange cc) {
        SimulatedNetwork.Member l = net.leader();
        assertInstanceOf(ProposeResult.Accepted.class, l.node.proposeConfChange(cc));
        net.tick(3);
    }

    private static Configuration config(SimulatedNetwork net, long id) {
        return net.node(id).status().configuration();
    }

    /** §4.2.1: a learner gets the log but has no vote and does not count toward commitment. */
    @Test
    void learnerCatchesUpWithoutVoting() {
        SimulatedNetwork net = SimulatedNetwork.of(3, 41);
        SimulatedNetwork.Member leader = net.awaitLeader(100);
        for (int i = 0; i < 5; i++) leader.node.propose(bytes("v" + i));
        net.tick(2);
        change(net, new ConfChange(ConfChange.Type.ADD_LEARNER, 4));
        net.add(RaftConfig.defaults(4), new MemoryRaftStorage(Configuration.EMPTY));
        net.tick(5);
        assertEquals(net.appliedData(leader.id), net.appliedData(4));
        assertEquals(Set.of(4L), config(net, 4).learners());
        assertEquals(Set.of(1L, 2L, 3L), config(net, leader.id).voters());
        // Leader + learner are not a quorum of {1,2,3}.
        for (long id = 1; id <= 3; id++) if (id != leader.id) net.isolate(id);
        ProposeResult.Accepted w = (ProposeResult.Accepted) leader.node.propose(bytes("needs a voter"));
        net.tick(3);
        assertTrue(leader.node.status().commit() < w.index());
        // A learner never campaigns however long it hears nothing.
        net.isolate(4);
        long term = net.node(4).term();
        net.tick(60);
        assertEquals(Role.FOLLOWER, net.node(4).role());
        assertEquals(term, net.node(4).term());
    }

    /** §4.1: promote a caught-up learner to voter, then the quorum is 3 of 4. */
    @Test
    void promoteLearner() {
        SimulatedNetwork net = SimulatedNetwork.of(3, 42);
        SimulatedNetwork.Member leader = net.awaitLeader(100);
        change(net, new ConfChange(ConfChange.Type.ADD_LEARNER, 4));
        net.add(RaftConfig.defaults(4), new MemoryRaftStorage(Configuration.EMPTY));
        net.tick(3);
        change(net, new ConfChange(ConfChange.Type.ADD_VOTER, 4));
        for (long id = 1; id <= 4; id++) assertEquals(Set.of(1L, 2L, 3L, 4L), config(net, id).voters(), "member " + id);
        // Two of four down: no progress; with only one down: progress.
        long a = leader.id == 1 ? 2 : 1;
        long b = leader.id == 3 ? 2 : 3;
        net.crash(a);
        net.crash(b);
        ProposeResult.Accepted w = (ProposeResult.Accepted) leader.node.propose(bytes("x"));
        net.tick(3);
        assertTrue(leader.node.status().commit() < w.index(), "2 of 4 is not a majority");
        net.restart(a);
        net.tick(5);
        assertTrue(leader.node.status().commit() >= w.index());
    }

    /** §6: removing a follower shrinks the quorum; the removed member no longer receives anything. */
    @Test
    void removeFollower() {
        SimulatedNetwork net = SimulatedNetwork.of(3, 43);
        SimulatedNetwork.Member leader = net.awaitLeader(100);
        long gone = leader.id == 3 ? 2 : 3;
        change(net, new ConfChange(ConfChange.Type.REMOVE_NODE, gone));
        net.crash(gone);
        assertEquals(2, config(net, leader.id).voters().size());
        leader.node.propose(bytes("after removal"));
        net.tick(3);
        long other = 6 - leader.id - gone;
        assertEquals(List.of("after removal"), net.appliedData(other).stream().map(String::new).toList());
    }

    /** Thesis §4.2.2: a leader that removes itself steps down once the change is committed; another takes over. */
    @Test
    void removeLeader() {
        SimulatedNetwork net = SimulatedNetwork.of(3, 44);
        SimulatedNetwork.Member old = net.awaitLeader(100);
        assertInstanceOf(ProposeResult.Accepted.class, old.node.proposeConfChange(new ConfChange(ConfChange.Type.REMOVE_NODE, old.id)));
        net.flush();
        assertNotEquals(Role.LEADER, old.node.role());
        SimulatedNetwork.Member next = net.awaitLeaderOtherThan(old.id, 100);
        assertFalse(config(net, next.id).contains(old.id));
        next.node.propose(bytes("y"));
        net.tick(50);
        assertNotEquals(Role.LEADER, old.node.role(), "a removed member never campaigns");
        for (long id = 1; id <= 3; id++) {
            if (id != old.id) assertEquals(List.of("y"), net.appliedData(id).stream().map(String::new).toList());
        }
    }

    /** §4.1: one change at a time; the next is refused until the previous is applied. */
    @Test
    void oneChangeAtATime() {
        SimulatedNetwork net = SimulatedNetwork.of(3, 45);
        SimulatedNetwork.Member leader = net.awaitLeader(100);
        assertInstanceOf(ProposeResult.Accepted.class, leader.node.proposeConfChange(new ConfChange(ConfChange.Type.ADD_LEARNER, 4)));
        assertInstanceOf(ProposeResult.Dropped.class, leader.node.proposeConfChange(new ConfChange(ConfChange.Type.ADD_LEARNER, 5)));
        net.tick(2);
        assertInstanceOf(ProposeResult.Accepted.class, leader.node.proposeConfChange(new ConfChange(ConfChange.Type.ADD_LEARNER, 5)));
    }

    /** The last voter cannot be removed. */
    @Test
    void cannotRemoveLastVoter() {
        SimulatedNetwork net = SimulatedNetwork.of(1, 46);
        SimulatedNetwork.Member l = net.awaitLeader(50);
        assertInstanceOf(ProposeResult.Dropped.class, l.node.proposeConfChange(new ConfChange(ConfChange.Type.REMOVE_NODE, 1)));
    }

    /** A restarted member rebuilds its membership from its snapshot plus the conf changes it re-applies. */
    @Test
    void membershipSurvivesRestart() {
        SimulatedNetwork net = SimulatedNetwork.of(3, 47);
        SimulatedNetwork.Member leader = net.awaitLeader(100);
        change(net, new ConfChange(ConfChange.Type.ADD_LEARNER, 4));
        net.add(RaftConfig.defaults(4), new MemoryRaftStorage(Configuration.EMPTY));
        net.tick(3);
        long f = leader.id == 3 ? 2 : 3;
        net.compact(f);
        net.crash(f);
        net.restart(f);
        assertEquals(Set.of(4L), config(net, f).learners());
        net.crash(4);
        net.restart(4);
        net.tick(3);
        assertEquals(Set.of(4L), config(net, 4).learners());
    }
}
