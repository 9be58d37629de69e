package io.akkaetcd.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * In-memory {@link RaftStorage}: what a member has fsynced. A member keeps its log here (its WAL holds the
 * durable copy); the test harness writes each Ready into it
 * before sending; a crashed member restarts from it and loses everything else.
 */
public final class MemoryRaftStorage implements RaftStorage {
    private HardState hardState = HardState.EMPTY;
    private Snapshot snapshot;
    /** Entries after snapshot.index(), contiguous. */
    private final List<LogEntry> entries = new ArrayList<>();

    public MemoryRaftStorage(Configuration bootstrap) {
        this.snapshot = new Snapshot(0, 0, bootstrap, new byte[0]);
    }

    /** Storage of a brand-new member of a new cluster: the membership is in the log (see {@link Bootstrap}). */
    public static MemoryRaftStorage bootstrapped(Configuration initial) {
        MemoryRaftStorage s = new MemoryRaftStorage(Configuration.EMPTY);
        Bootstrap b = Bootstrap.of(initial);
        s.append(b.entries());
        s.setHardState(b.hardState());
        return s;
    }

    @Override
    public InitialState initialState() {
        return new InitialState(hardState, snapshot.configuration());
    }

    @Override
    public long firstIndex() {
        return snapshot.index() + 1;
    }

    @Override
    public long lastIndex() {
        return snapshot.index() + entries.size();
    }

    @Override
    public long term(long index) {
        if (index == snapshot.index()) return snapshot.term();
        if (index < snapshot.index() || index > lastIndex()) {
            throw new IllegalArgumentException("term(" + index + ") outside [" + snapshot.index() + ", " + lastIndex() + "]");
        }
        return entries.get((int) (index - snapshot.index() - 1)).term();
    }

    @Override
    public List<LogEntry> entries(long lo, long hi, long maxBytes) {
        if (lo < firstIndex() || hi > lastIndex() + 1) throw new IllegalArgumentException("entries[" + lo + "," + hi + ")");
        List<LogEntry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = lo; i < hi; i++) {
            LogEntry e = entries.get((int) (i - snapshot.index() - 1));
            bytes += e.sizeBytes();
            if (bytes > maxBytes && !out.isEmpty()) break;
            out.add(e);
        }
        return out;
    }

    @Override
    public Snapshot snapshot() {
        return snapshot;
    }

    public HardState hardState() {
        return hardState;
    }

    public void setHardState(HardState hs) {
        this.hardState = hs;
    }

    /** Append, truncating any conflicting suffix first (as a WAL replay would). */
    public void append(List<LogEntry> ents) {
        for (LogEntry e : ents) {
            if (e.index() <= snapshot.index()) continue;
            if (e.index() > lastIndex() + 1) throw new IllegalStateException("gap before " + e.index());
            while (lastIndex() >= e.index()) entries.remove(entries.size() - 1);
            entries.add(e);
        }
    }

    /** A snapshot from the leader replaces the whole log. */
    public void applySnapshot(Snapshot s) {
        if (s.index() <= snapshot.index()) return;
        snapshot = s;
        entries.clear();
    }

    /** The application snapshots its state at index (<= applied) and drops the log up to it. */
    public void createSnapshot(long index, Configuration conf, byte[] data) {
        if (index <= snapshot.index()) return;
        if (index > lastIndex()) throw new IllegalArgumentException("snapshot beyond last index");
        long t = term(index);
        entries.subList(0, (int) (index - snapshot.index())).clear();
        snapshot = new Snapshot(index, t, conf, data);
    }

    /** Seed a log, for tests that start from a given state (figure 7 style). */
    public MemoryRaftStorage withLog(long term, long vote, long... termsByIndex) {
        List<LogEntry> ents = new ArrayList<>();
        for (int i = 0; i < termsByIndex.length; i++) {
            ents.add(LogEntry.normal(i + 1, termsByIndex[i], ("e" + (i + 1) + "t" + termsByIndex[i]).getBytes()));
        }
        append(ents);
        hardState = new HardState(term, vote, 0);
        return this;
    }
}
