package io.akkaetcd.raft;

import static io.akkaetcd.raft.Drive.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Log compaction and InstallSnapshot (paper §7). */
class SnapshotTest {

    private static List<String> data(SimulatedNetwork net, long id) {
        return net.appliedData(id).stream().map(String::new).toList();
    }

    /** §7: a follower that needs compacted entries receives the leader's snapshot, then the rest of the log. */
    @Test
    void laggingFollowerInstallsSnapshot() {
        SimulatedNetwork net = SimulatedNetwork.of(3, 31);
        SimulatedNetwork.Member leader = net.awaitLeader(100);
        long lagging = leader.id == 3 ? 2 : 3;
        net.crash(lagging);
        for (int i = 0; i < 20; i++) leader.node.propose(bytes("v" + i));
        net.tick(2);
        for (SimulatedNetwork.Member m : net.members()) if (m.up) net.compact(m.id);
        for (int i = 20; i < 25; i++) leader.node.propose(bytes("v" + i));
        net.tick(2);
        assertTrue(leader.storage.firstIndex() > 2, "the log was compacted");
        net.restart(lagging);
        net.tick(10);
        assertTrue(net.delivered().stream().anyMatch(m -> m instanceof InstallSnapshotRequest i && i.to() == lagging));
        assertEquals(data(net, leader.id), data(net, lagging));
        assertEquals(25, data(net, lagging).size());
        assertEquals(leader.node.logEntries().get(leader.node.logEntries().size() - 1),
                net.node(lagging).logEntries().get(net.node(lagging).logEntries().size() - 1));
    }

    /** §7: a snapshot lost in transit is reported, and the leader tries again later. */
    @Test
    void lostSnapshotIsRetried() {
        SimulatedNetwork net = SimulatedNetwork.of(3, 32);
        SimulatedNetwork.Member leader = net.awaitLeader(100);
        long lagging = leader.id == 3 ? 2 : 3;
        net.crash(lagging);
        for (int i = 0; i < 10; i++) leader.node.propose(bytes("v" + i));
        net.tick(2);
        net.compact(leader.id);
        net.setDropRate(leader.id, lagging, 1.0);
        net.restart(lagging);
        net.tick(10);
        assertTrue(data(net, lagging).isEmpty());
        net.heal();
        net.tick(10);
        assertEquals(10, data(net, lagging).size());
    }

    /** §7: a member restarts from its own snapshot plus the log after it, and rejoins. */
    @Test
    void restartFromOwnSnapshot() {
        SimulatedNetwork net = SimulatedNetwork.of(3, 33);
        SimulatedNetwork.Member leader = net.awaitLeader(100);
        long f = leader.id == 3 ? 2 : 3;
        for (int i = 0; i < 6; i++) leader.node.propose(bytes("v" + i));
        net.tick(2);
        net.compact(f);
        for (int i = 6; i < 9; i++) leader.node.propose(bytes("v" + i));
        net.tick(2);
        net.crash(f);
        net.restart(f);
        assertEquals(6, data(net, f).size(), "the state machine comes back from the snapshot alone");
        net.tick(3);
        assertEquals(data(net, leader.id), data(net, f));
    }

    /** §7: a snapshot that the follower's log already covers does not discard the log. */
    @Test
    void staleSnapshotIsIgnored() {
        MemoryRaftStorage s = new MemoryRaftStorage(voters(3)).withLog(1, RaftNode.NONE, 1, 1, 1);
        RaftNode f = node(2, s);
        f.step(new AppendEntriesRequest(1, 2, 1, 3, 1, List.of(), 3));
        drain(f, s);
        f.step(new InstallSnapshotRequest(1, 2, 1, new Snapshot(2, 1, voters(3), new byte[0])));
        InstallSnapshotResponse r = only(drain(f, s), InstallSnapshotResponse.class).get(0);
        assertEquals(3, r.index());
        assertEquals(3, f.logEntries().size());
    }

    /** §7: RaftLog after compaction: terms below the snapshot are gone, the snapshot's own term remains. */
    @Test
    void termLookupAfterCompaction() {
        MemoryRaftStorage s = new MemoryRaftStorage(voters(1)).withLog(3, RaftNode.NONE, 1, 1, 2, 3, 3);
        s.setHardState(new HardState(3, RaftNode.NONE, 5));
        s.createSnapshot(3, voters(1), new byte[0]);
        RaftLog log = new RaftLog(s);
        assertEquals(4, log.firstIndex());
        assertEquals(2, log.term(3));
        assertEquals(RaftLog.NO_TERM, log.term(2));
        assertEquals(3, log.term(5));
        assertEquals(RaftLog.NO_TERM, log.term(6));
    }
}
