package io.akkaetcd.raft;

import static io.akkaetcd.raft.Drive.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Leadership transfer (thesis §3.10). */
class LeaderTransferTest {

    /** §3.10: an up-to-date target gets TimeoutNow at once and wins the next term. */
    @Test
    void transferToUpToDateFollower() {
        SimulatedNetwork net = SimulatedNetwork.of(3, 51);
        SimulatedNetwork.Member old = net.awaitLeader(100);
        net.tick(2);
        long target = old.id == 3 ? 2 : 3;
        long term = old.node.term();
        assertTrue(old.node.transferLeadership(target));
        net.flush();
        assertEquals(Role.LEADER, net.node(target).role());
        assertEquals(term + 1, net.node(target).term());
        assertEquals(Role.FOLLOWER, old.node.role());
    }

    /** §3.10 step 2: a lagging target is first brought up to date, then told to time out. */
    @Test
    void transferToLaggingFollowerCatchesItUp() {
        SimulatedNetwork net = SimulatedNetwork.of(3, 52);
        SimulatedNetwork.Member old = net.awaitLeader(100);
        long target = old.id == 3 ? 2 : 3;
        net.cut(old.id, target);
        for (int i = 0; i < 5; i++) old.node.propose(bytes("v" + i));
        net.tick(1);
        net.heal();
        assertTrue(old.node.transferLeadership(target));
        net.flush();
        net.tick(1);
        assertEquals(Role.LEADER, net.node(target).role());
        net.tick(2);
        assertEquals(5, net.appliedData(target).size());
    }

    /** §3.10: proposals are refused during a transfer; an unreachable target makes it abort after a timeout. */
    @Test
    void transferAbortsAfterElectionTimeout() {
        SimulatedNetwork net = SimulatedNetwork.of(3, 53);
        SimulatedNetwork.Member old = net.awaitLeader(100);
        long target = old.id == 3 ? 2 : 3;
        net.crash(target);
        old.node.propose(bytes("behind"));
        net.tick(1);
        assertTrue(old.node.transferLeadership(target));
        assertInstanceOf(ProposeResult.Dropped.class, old.node.propose(bytes("refused")));
        net.tick(10);
        assertEquals(Role.LEADER, old.node.role());
        assertEquals(RaftNode.NONE, old.node.status().leadTransferee());
        assertInstanceOf(ProposeResult.Accepted.class, old.node.propose(bytes("accepted again")));
    }

    /** Only voters can lead. */
    @Test
    void cannotTransferToLearnerOrSelf() {
        SimulatedNetwork net = SimulatedNetwork.of(3, 54);
        SimulatedNetwork.Member l = net.awaitLeader(100);
        l.node.proposeConfChange(new ConfChange(ConfChange.Type.ADD_LEARNER, 4));
        net.tick(2);
        assertFalse(l.node.transferLeadership(4));
        assertFalse(l.node.transferLeadership(l.id));
        assertFalse(net.node(l.id == 1 ? 2 : 1).transferLeadership(3), "followers cannot transfer");
    }
}
