package io.akkaetcd.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * The tail of the log not yet known to be on stable storage: entries from {@code offset} on, and possibly a
 * snapshot received from the leader (then {@code offset == snapshot.index + 1}). Entries leave once the driver
 * reports them persisted ({@link #stableTo}); a conflicting append may cut back below {@code offset}, shadowing
 * stable entries until they are overwritten on disk too.
 */
final class UnstableLog {
    private final List<LogEntry> entries = new ArrayList<>();
    private Snapshot snapshot;
    private long offset;

    UnstableLog(long offset) {
        this.offset = offset;
    }

    long offset() {
        return offset;
    }

    Snapshot snapshot() {
        return snapshot;
    }

    List<LogEntry> entries() {
        return List.copyOf(entries);
    }

    /** Index of the first entry if a snapshot is pending, else -1 (ask storage). */
    long maybeFirstIndex() {
        return snapshot != null ? snapshot.index() + 1 : -1;
    }

    /** Last index held here, or -1 (ask storage). */
    long maybeLastIndex() {
        if (!entries.isEmpty()) return offset + entries.size() - 1;
        if (snapshot != null) return snapshot.index();
        return -1;
    }

    /** Term of index if held here, or -1. */
    long maybeTerm(long index) {
        if (index < offset) {
            return snapshot != null && snapshot.index() == index ? snapshot.term() : -1;
        }
        long last = maybeLastIndex();
        if (last < 0 || index > last) return -1;
        return entries.get((int) (index - offset)).term();
    }

    /** Entries in [lo, hi), all of which must be at or above offset. */
    List<LogEntry> slice(long lo, long hi) {
        return new ArrayList<>(entries.subList((int) (lo - offset), (int) (hi - offset)));
    }

    void truncateAndAppend(List<LogEntry> ents) {
        if (ents.isEmpty()) return;
        long after = ents.get(0).index();
        if (after == offset + entries.size()) {
            entries.addAll(ents);
        } else if (after <= offset) {
            // The new entries replace everything unstable; storage entries from `after` on are shadowed.
            offset = after;
            entries.clear();
            entries.addAll(ents);
        } else {
            List<LogEntry> keep = new ArrayList<>(entries.subList(0, (int) (after - offset)));
            entries.clear();
            entries.addAll(keep);
            entries.addAll(ents);
        }
    }

    /** The driver persisted entries up to (index, term); drop them unless they were since overwritten. */
    void stableTo(long index, long term) {
        long t = maybeTerm(index);
        if (t == term && index >= offset) {
            entries.subList(0, (int) (index + 1 - offset)).clear();
            offset = index + 1;
        }
    }

    void stableSnapTo(long index) {
        if (snapshot != null && snapshot.index() == index) snapshot = null;
    }

    void restore(Snapshot s) {
        offset = s.index() + 1;
        entries.clear();
        snapshot = s;
    }
}
