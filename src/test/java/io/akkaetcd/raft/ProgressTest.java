package io.akkaetcd.raft;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Per-follower replication state and flow control (etcd's tracker.Progress; paper §5.3 "nextIndex"). */
class ProgressTest {

    @Test
    void probeSendsOneAppendAtATime() {
        Progress p = new Progress(5, 4);
        assertFalse(p.isPaused());
        p.sentEntries(3, 7);
        assertTrue(p.isPaused());
        assertEquals(5, p.next, "probing does not advance next optimistically");
        assertTrue(p.maybeUpdate(7));
        assertFalse(p.isPaused());
    }

    @Test
    void replicateStreamsWithinTheWindow() {
        Progress p = new Progress(1, 2);
        p.maybeUpdate(0);
        p.becomeReplicate();
        p.sentEntries(2, 2);
        p.sentEntries(2, 4);
        assertEquals(5, p.next);
        assertTrue(p.isPaused(), "window of 2 is full");
        p.maybeUpdate(2);
        p.inflights.freeLE(2);
        assertFalse(p.isPaused());
    }

    @Test
    void rejectionsMoveNextBack() {
        Progress p = new Progress(11, 4);
        assertFalse(p.maybeDecrTo(5, 3), "stale: we did not probe 5");
        assertTrue(p.maybeDecrTo(10, 3));
        assertEquals(4, p.next, "jump to the follower's hint + 1");
        p.match = 6;
        p.becomeReplicate();
        assertFalse(p.maybeDecrTo(6, 0), "a rejection at or below match is stale in replicate");
        assertTrue(p.maybeDecrTo(9, 0));
        assertEquals(7, p.next, "in replicate, fall back to match + 1");
    }

    @Test
    void snapshotStateWaitsThenProbesAfterTheSnapshot() {
        Progress p = new Progress(3, 4);
        p.becomeSnapshot(50);
        assertTrue(p.isPaused());
        p.becomeProbe();
        assertEquals(51, p.next);
    }
}
