package io.akkaetcd.raft;

/**
 * The leader's view of one follower (etcd's tracker.Progress). {@code match} is the highest index known to be
 * replicated there, {@code next} the next index to send.
 * <ul>
 *   <li>PROBE: we do not know where the logs diverge; send one append at a time and wait for the answer.</li>
 *   <li>REPLICATE: logs match up to match; stream appends optimistically, limited by {@link Inflights}.</li>
 *   <li>SNAPSHOT: the follower needs a snapshot; send nothing until it is installed or reported failed.</li>
 * </ul>
 */
final class Progress {
    enum State { PROBE, REPLICATE, SNAPSHOT }

    long match;
    long next;
    State state = State.PROBE;
    long pendingSnapshot;
    /** Heard from since the last check-quorum round (thesis §6.2). */
    boolean recentActive;
    /** In PROBE: an append is outstanding, wait for its answer (or a heartbeat answer) before the next. */
    boolean probeSent;
    final Inflights inflights;

    Progress(long next, int maxInflight) {
        this.next = next;
        this.inflights = new Inflights(maxInflight);
    }

    private void resetState(State s) {
        state = s;
        probeSent = false;
        pendingSnapshot = 0;
        inflights.reset();
    }

    void becomeProbe() {
        if (state == State.SNAPSHOT) {
            long pending = pendingSnapshot;
            resetState(State.PROBE);
            next = Math.max(match + 1, pending + 1);
        } else {
            resetState(State.PROBE);
            next = match + 1;
        }
    }

    void becomeReplicate() {
        resetState(State.REPLICATE);
        next = match + 1;
    }

    void becomeSnapshot(long snapshotIndex) {
        resetState(State.SNAPSHOT);
        pendingSnapshot = snapshotIndex;
    }

    /** A successful append answer up to n. Returns false if it was stale (told us nothing new). */
    boolean maybeUpdate(long n) {
        boolean updated = false;
        if (match < n) {
            match = n;
            updated = true;
            probeSent = false;
        }
        next = Math.max(next, n + 1);
        return updated;
    }

    /**
     * A rejected append of prevIndex {@code rejected}; {@code matchHint} is where the logs may match.
     * Returns false if the rejection is stale (an answer to something we no longer have outstanding).
     */
    boolean maybeDecrTo(long rejected, long matchHint) {
        if (state == State.REPLICATE) {
            if (rejected <= match) return false;
            next = match + 1;
            return true;
        }
        if (next - 1 != rejected) return false;
        next = Math.max(Math.min(rejected, matchHint + 1), match + 1);
        next = Math.max(next, 1);
        probeSent = false;
        return true;
    }

    boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflights.full();
            case SNAPSHOT -> true;
        };
    }

    /** Record an append just sent whose last entry is lastIndex (or none, if empty). */
    void sentEntries(int count, long lastIndex) {
        switch (state) {
            case REPLICATE -> {
                if (count > 0) {
                    next = lastIndex + 1;
                    inflights.add(lastIndex);
                }
            }
            case PROBE -> probeSent = true;
            case SNAPSHOT -> throw new IllegalStateException("sending entries in snapshot state");
        }
    }

    @Override
    public String toString() {
        return state + " match=" + match + " next=" + next + (pendingSnapshot > 0 ? " pendingSnap=" + pendingSnapshot : "")
                + " inflight=" + inflights.count();
    }
}
