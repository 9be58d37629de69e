package io.akkaetcd.raft;

import static io.akkaetcd.raft.Drive.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Persistent state (paper figure 2, §5.1-§5.2): what survives a crash and what must not be relied upon. */
class CrashRecoveryTest {

    /** Figure 2: currentTerm and votedFor are persisted before answering, so a restart cannot vote twice. */
    @Test
    void restartedMemberDoesNotVoteTwiceInATerm() {
        MemoryRaftStorage s = new MemoryRaftStorage(voters(3));
        RaftNode n = node(1, s);
        n.step(new VoteRequest(2, 1, 5, 0, 0, false, false));
        assertTrue(only(drain(n, s), VoteResponse.class).get(0).granted());
        RaftNode restarted = node(1, s); // crash: everything but storage is gone
        assertEquals(5, restarted.term());
        restarted.step(new VoteRequest(3, 1, 5, 0, 0, false, false));
        assertFalse(only(drain(restarted, s), VoteResponse.class).get(0).granted());
    }

    /** A leader that crashes before persisting a proposal loses it; it was never acknowledged, so that is fine. */
    @Test
    void unpersistedProposalIsLostOnCrash() {
        SimulatedNetwork net = SimulatedNetwork.of(3, 61);
        SimulatedNetwork.Member leader = net.awaitLeader(100);
        leader.node.propose(bytes("kept"));
        net.flush();
        leader.node.propose(bytes("never persisted"));
        net.crash(leader.id); // before its Ready was handled
        net.restart(leader.id);
        assertTrue(leader.node.logEntries().stream().noneMatch(e -> new String(e.data()).equals("never persisted")));
        net.tick(40);
        for (long id = 1; id <= 3; id++) {
            assertEquals(List.of("kept"), net.appliedData(id).stream().map(String::new).toList(), "member " + id);
        }
    }

    /** A restarted member re-applies committed entries from its storage and catches up with the cluster. */
    @Test
    void restartedFollowerReplaysAndCatchesUp() {
        SimulatedNetwork net = SimulatedNetwork.of(5, 62);
        SimulatedNetwork.Member leader = net.awaitLeader(100);
        long f = leader.id == 5 ? 4 : 5;
        for (int i = 0; i < 3; i++) leader.node.propose(bytes("a" + i));
        net.tick(2);
        net.crash(f);
        for (int i = 0; i < 3; i++) leader.node.propose(bytes("b" + i));
        net.tick(2);
        net.restart(f);
        assertTrue(net.appliedData(f).isEmpty(), "no snapshot yet: the state machine starts empty");
        net.tick(5);
        assertEquals(net.appliedData(leader.id), net.appliedData(f));
        assertEquals(6, net.appliedData(f).size());
    }
}
