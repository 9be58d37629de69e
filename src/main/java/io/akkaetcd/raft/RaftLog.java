package io.akkaetcd.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * The log as one sequence: stable entries in {@link RaftStorage} followed by the {@link UnstableLog}, plus the
 * commit and applied indexes. Invariant: {@code applied <= committed <= lastIndex()}, and
 * {@code firstIndex() - 1} (the snapshot index) always has a known term.
 */
final class RaftLog {
    /** Term of an index outside [firstIndex()-1, lastIndex()]: compacted or not yet written. */
    static final long NO_TERM = -1;

    private final RaftStorage storage;
    final UnstableLog unstable;
    long committed;
    long applied;

    RaftLog(RaftStorage storage) {
        this.storage = storage;
        this.unstable = new UnstableLog(storage.lastIndex() + 1);
        this.committed = storage.firstIndex() - 1;
        this.applied = storage.firstIndex() - 1;
    }

    long firstIndex() {
        long i = unstable.maybeFirstIndex();
        return i >= 0 ? i : storage.firstIndex();
    }

    long lastIndex() {
        long i = unstable.maybeLastIndex();
        return i >= 0 ? i : storage.lastIndex();
    }

    long lastTerm() {
        return term(lastIndex());
    }

    long term(long index) {
        if (index < firstIndex() - 1 || index > lastIndex()) return NO_TERM;
        long t = unstable.maybeTerm(index);
        return t >= 0 ? t : storage.term(index);
    }

    boolean matchTerm(long index, long term) {
        long t = term(index);
        return t != NO_TERM && t == term;
    }

    /** Election restriction (paper §5.4.1): is a candidate's log at least as up-to-date as ours? */
    boolean isUpToDate(long lastIndex, long lastTerm) {
        long myTerm = lastTerm();
        return lastTerm > myTerm || (lastTerm == myTerm && lastIndex >= lastIndex());
    }

    /**
     * Follower side of AppendEntries (paper §5.3): if our log has (prevIndex, prevTerm), drop any conflicting
     * suffix, append what is new, and advance commit to min(leaderCommit, last new index).
     *
     * @return the index of the last entry now known to match the leader, or -1 if prev did not match
     */
    long maybeAppend(long prevIndex, long prevTerm, long leaderCommit, List<LogEntry> ents) {
        if (!matchTerm(prevIndex, prevTerm)) return -1;
        long lastNew = prevIndex + ents.size();
        long conflict = findConflict(ents);
        if (conflict != 0) {
            if (conflict <= committed) {
                throw new IllegalStateException("entry " + conflict + " conflicts with committed entry (commit " + committed + ")");
            }
            append(ents.subList((int) (conflict - (prevIndex + 1)), ents.size()));
        }
        commitTo(Math.min(leaderCommit, lastNew));
        return lastNew;
    }

    /** First entry whose index is missing or whose term differs from ours; 0 if all already match. */
    long findConflict(List<LogEntry> ents) {
        for (LogEntry e : ents) {
            if (!matchTerm(e.index(), e.term())) return e.index();
        }
        return 0;
    }

    /**
     * The largest index <= {@code index} whose term is <= {@code term}. Used on both sides of a rejected append to
     * skip a whole term of conflicting entries at once.
     */
    long findConflictByTerm(long index, long term) {
        while (index > 0) {
            long t = term(index);
            if (t == NO_TERM || t <= term) return index;
            index--;
        }
        return 0;
    }

    long append(List<LogEntry> ents) {
        if (ents.isEmpty()) return lastIndex();
        long after = ents.get(0).index() - 1;
        if (after < committed) throw new IllegalStateException("append after " + after + " is below commit " + committed);
        unstable.truncateAndAppend(ents);
        return lastIndex();
    }

    /** Entries in [lo, hi) capped by count and bytes (at least one if lo < hi). Requires lo >= firstIndex(). */
    List<LogEntry> slice(long lo, long hi, int maxEntries, long maxBytes) {
        if (lo < firstIndex()) throw new IllegalArgumentException("slice from " + lo + " below first index " + firstIndex());
        if (hi > lastIndex() + 1) throw new IllegalArgumentException("slice to " + hi + " beyond last index " + lastIndex());
        hi = Math.min(hi, lo + maxEntries);
        List<LogEntry> out = new ArrayList<>();
        long off = unstable.offset();
        if (lo < off) out.addAll(storage.entries(lo, Math.min(hi, off), maxBytes));
        if (hi > off && (out.isEmpty() || out.get(out.size() - 1).index() == Math.min(hi, off) - 1)) {
            out.addAll(unstable.slice(Math.max(lo, off), hi));
        }
        long bytes = 0;
        for (int i = 0; i < out.size(); i++) {
            bytes += out.get(i).sizeBytes();
            if (bytes > maxBytes && i > 0) return new ArrayList<>(out.subList(0, i));
        }
        return out;
    }

    /** The last index known to be on stable storage (entries shadowed by an unstable tail do not count). */
    long persistedLastIndex() {
        // A received snapshot replaces the stored log once persisted; until then only its base is certain.
        if (unstable.snapshot() != null) return storage.firstIndex() - 1;
        return Math.min(lastIndex(), unstable.offset() - 1);
    }

    List<LogEntry> unstableEntries() {
        return unstable.entries();
    }

    /** Committed entries not yet applied; none while a received snapshot is still to be persisted and restored. */
    List<LogEntry> nextCommittedEntries() {
        if (unstable.snapshot() != null) return List.of();
        long lo = Math.max(applied + 1, firstIndex());
        if (lo > committed) return List.of();
        return slice(lo, committed + 1, Integer.MAX_VALUE, Long.MAX_VALUE);
    }

    boolean hasNextCommittedEntries() {
        return unstable.snapshot() == null && committed > Math.max(applied, firstIndex() - 1);
    }

    Snapshot snapshot() {
        return unstable.snapshot() != null ? unstable.snapshot() : storage.snapshot();
    }

    /** Commit only ever moves forward, and never past what we hold. */
    void commitTo(long index) {
        if (index <= committed) return;
        if (index > lastIndex()) {
            throw new IllegalStateException("commit " + index + " is beyond last index " + lastIndex());
        }
        committed = index;
    }

    /** Leader: advance commit to index if that entry is from the current term (paper §5.4.2). */
    boolean maybeCommit(long index, long currentTerm) {
        if (index > committed && term(index) == currentTerm) {
            commitTo(index);
            return true;
        }
        return false;
    }

    void appliedTo(long index) {
        if (index == 0 || index <= applied) return;
        if (index > committed) throw new IllegalStateException("applied " + index + " beyond commit " + committed);
        applied = index;
    }

    void stableTo(long index, long term) {
        unstable.stableTo(index, term);
    }

    void stableSnapTo(long index) {
        unstable.stableSnapTo(index);
    }

    /** Replace the whole log by a snapshot from the leader (paper §7). */
    void restore(Snapshot s) {
        committed = s.index();
        unstable.restore(s);
    }

    /** Every entry we hold, for tests and debugging. */
    List<LogEntry> allEntries() {
        return slice(firstIndex(), lastIndex() + 1, Integer.MAX_VALUE, Long.MAX_VALUE);
    }
}
