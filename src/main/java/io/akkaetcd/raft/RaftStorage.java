package io.akkaetcd.raft;

import java.util.List;

/**
 * Read view of what a member has persisted: the hard state, the latest snapshot and the stable log after it.
 * Raft only reads it; the driver writes to it while handling a {@link Ready} (snapshot, then entries, then hard
 * state, then fsync). A restarted member is rebuilt from it.
 *
 * <p>Indexes: the snapshot covers everything up to {@code firstIndex() - 1}, whose term {@link #term(long)} must
 * still answer; stable entries run from {@code firstIndex()} to {@code lastIndex()}.
 */
public interface RaftStorage {

    /** What a member resumes from: its hard state and the membership recorded with its latest snapshot. */
    record InitialState(HardState hardState, Configuration configuration) { }

    InitialState initialState();

    long firstIndex();

    long lastIndex();

    /** Term of entry {@code index}, for {@code firstIndex()-1 <= index <= lastIndex()}. */
    long term(long index);

    /** Entries in [lo, hi), lo >= firstIndex(), hi <= lastIndex()+1; may stop early after maxBytes (never empty if lo < hi). */
    List<LogEntry> entries(long lo, long hi, long maxBytes);

    Snapshot snapshot();
}
