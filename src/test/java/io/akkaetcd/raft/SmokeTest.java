package io.akkaetcd.raft;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The happy path end to end: elect (§5.2), replicate and commit (§5.3) on a quiet network. */
class SmokeTest {
    @Test
    void threeMembersElectALeaderAndReplicate() {
        SimulatedNetwork net = SimulatedNetwork.of(3, 1);
        SimulatedNetwork.Member leader = net.awaitLeader(100);
        assertInstanceOf(ProposeResult.Accepted.class, leader.node.propose(Drive.bytes("x")));
        net.tick(3);
        for (long id = 1; id <= 3; id++) {
            assertEquals(1, net.appliedData(id).size(), "member " + id);
            assertEquals(leader.id, net.node(id).leaderId());
        }
    }

    @Test
    void singleMemberCommitsAlone() {
        SimulatedNetwork net = SimulatedNetwork.of(1, 1);
        SimulatedNetwork.Member leader = net.awaitLeader(100);
        leader.node.propose(Drive.bytes("x"));
        net.flush();
        assertEquals(1, net.appliedData(1).size());
    }
}
