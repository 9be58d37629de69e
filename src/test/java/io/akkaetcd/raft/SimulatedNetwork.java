package io.akkaetcd.raft;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * A deterministic cluster of {@link RaftNode}s with no real network or clock (after raft-rs' harness). Each
 * member's Ready is handled in the order of the driver contract; messages travel through a queue that can drop
 * (seeded), delay, reorder, or cut links. A member can crash (its RaftNode and state machine are discarded; only
 * its {@link MemoryRaftStorage} survives) and restart.
 *
 * <p>Time: {@link #tick(int)} advances every live member one tick at a time and then lets messages flow until
 * the cluster is quiet (or only delayed messages remain). Every applied entry is checked against what other
 * members applied at that index (State Machine Safety, paper §5.4.3).
 */
final class SimulatedNetwork {

    /** One member: its Raft core, its persisted storage, and a state machine that records applied entries. */
    static final class Member {
        final long id;
        final RaftConfig config;
        final MemoryRaftStorage storage;
        RaftNode node;
        boolean up = true;
        final List<LogEntry> applied = new ArrayList<>();
        long appliedIndex;
        final List<ReadState> readStates = new ArrayList<>();
        /** A Ready whose disk write is still running (see {@link #setMaxDiskDelayTicks}), and when it ends. */
        Ready persisting;
        long persistedAt;

        Member(long id, RaftConfig config, MemoryRaftStorage storage) {
            this.id = id;
            this.config = config;
            this.storage = storage;
        }
    }

    private record InFlight(long deliverAt, long seq, RaftMessage message) { }

    private record Link(long from, long to) { }

    private final TreeMap<Long, Member> members = new TreeMap<>();
    private final RandomGenerator random;
    private final long seed;
    private final List<InFlight> inFlight = new ArrayList<>();
    private final Set<Link> cut = new HashSet<>();
    private final Map<Link, Double> linkDropRate = new HashMap<>();
    private double dropRate;
    private int maxDelayTicks;
    private int maxDiskDelayTicks;
    private boolean reorder;
    private long now;
    private long seq;
    /** index -> entry first applied there by any member; everyone must apply the same. */
    private final Map<Long, LogEntry> appliedByIndex = new HashMap<>();
    private final List<RaftMessage> delivered = new ArrayList<>();

    SimulatedNetwork(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    /** A fresh cluster of voters 1..size with default config. */
    static SimulatedNetwork of(int size, long seed) {
        return of(size, seed, RaftConfig.defaults(1));
    }

    static SimulatedNetwork of(int size, long seed, RaftConfig template) {
        SimulatedNetwork net = new SimulatedNetwork(seed);
        Long[] ids = new Long[size];
        for (int i = 0; i < size; i++) ids[i] = (long) (i + 1);
        Configuration conf = Configuration.ofVoters(ids);
        for (Long id : ids) net.add(template.withId(id), MemoryRaftStorage.bootstrapped(conf));
        net.flush(); // apply the bootstrap entries
        return net;
    }

    /** Add a member with the given storage (fresh, or seeded with a log). */
    Member add(RaftConfig config, MemoryRaftStorage storage) {
        Member m = new Member(config.id(), config, storage);
        members.put(m.id, m);
        start(m);
        return m;
    }

    private void start(Member m) {
        m.node = new RaftNode(m.config, m.storage, new SplittableRandom(seed * 31 + m.id * 1_000_003L + now));
        m.up = true;
        m.applied.clear();
        Snapshot s = m.storage.snapshot();
        m.applied.addAll(decode(s.data()));
        m.appliedIndex = s.index();
    }

    Member member(long id) {
        return members.get(id);
    }

    RaftNode node(long id) {
        return members.get(id).node;
    }

    Iterable<Member> members() {
        return members.values();
    }

    long now() {
        return now;
    }

    // ------------------------------------------------------------ faults

    void setDropRate(double rate) { this.dropRate = rate; }

    void setDropRate(long from, long to, double rate) { linkDropRate.put(new Link(from, to), rate); }

    void setMaxDelayTicks(int ticks) { this.maxDelayTicks = ticks; }

    void setReorder(boolean on) { this.reorder = on; }

    /**
     * A member's disk write takes up to this many ticks; meanwhile it keeps stepping messages, and a leader's
     * Ready that may send first does so. A crash loses the write in progress.
     */
    void setMaxDiskDelayTicks(int ticks) { this.maxDiskDelayTicks = ticks; }

    void cut(long from, long to) { cut.add(new Link(from, to)); }

    void cutBoth(long a, long b) {
        cut(a, b);
        cut(b, a);
    }

    void isolate(long id) {
        for (long other : members.keySet()) {
            if (other != id) cutBoth(id, other);
        }
    }

    /** Split into groups that cannot talk to each other. */
    void partition(Set<Long> side) {
        for (long a : members.keySet()) {
            for (long b : members.keySet()) {
                if (side.contains(a) != side.contains(b)) cut(a, b);
            }
        }
    }

    /** Remove every cut, drop and delay. */
    void heal() {
        cut.clear();
        linkDropRate.clear();
        dropRate = 0;
        maxDelayTicks = 0;
        reorder = false;
    }

    /** The member loses everything not in its storage: its Raft state, unsent messages, its state machine. */
    void crash(long id) {
        Member m = members.get(id);
        m.up = false;
        m.node = null;
        m.persisting = null;
    }

    void restart(long id) {
        start(members.get(id));
    }

    // ------------------------------------------------------------ time and delivery

    void tick(int ticks) {
        for (int i = 0; i < ticks; i++) {
            now++;
            for (Member m : members.values()) {
                if (m.up) m.node.tick();
            }
            flush();
        }
    }

    /** Handle Readies and deliver due messages until nothing changes. */
    void flush() {
        for (int round = 0; round < 100_000; round++) {
            boolean worked = processReadies();
            List<InFlight> due = new ArrayList<>();
            inFlight.removeIf(f -> {
                if (f.deliverAt() <= now) {
                    due.add(f);
                    return true;
                }
                return false;
            });
            if (due.isEmpty() && !worked) return;
            due.sort((a, b) -> Long.compare(a.seq(), b.seq()));
            if (reorder) shuffle(due);
            for (InFlight f : due) deliver(f.message());
        }
        throw new IllegalStateException("cluster did not settle");
    }

    private void shuffle(List<InFlight> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            InFlight t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }

    private boolean blocked(RaftMessage m) {
        return cut.contains(new Link(m.from(), m.to()));
    }

    private void deliver(RaftMessage m) {
        Member to = members.get(m.to());
        if (to == null || !to.up || blocked(m)) {
            failed(m);
            return;
        }
        delivered.add(m);
        to.node.step(m);
        // Like a transport that streamed the snapshot to the end: tell the leader, whose progress would otherwise
        // wait in the snapshot state for an InstallSnapshotResponse that may be lost.
        Member from = members.get(m.from());
        if (m instanceof InstallSnapshotRequest && from != null && from.up) from.node.reportSnapshot(m.to(), true);
    }

    private void failed(RaftMessage m) {
        Member from = members.get(m.from());
        if (m instanceof InstallSnapshotRequest && from != null && from.up) from.node.reportSnapshot(m.to(), false);
    }

    private void send(RaftMessage m) {
        Link l = new Link(m.from(), m.to());
        double rate = linkDropRate.getOrDefault(l, dropRate);
        if (blocked(m) || (rate > 0 && random.nextDouble() < rate)) {
            failed(m);
            return;
        }
        long delay = maxDelayTicks > 0 ? random.nextInt(maxDelayTicks + 1) : 0;
        inFlight.add(new InFlight(now + delay, seq++, m));
    }

    /** The driver contract: persist, send, apply, advance; a leader may send first (thesis §10.2.1). */
    private boolean processReadies() {
        boolean worked = false;
        for (Member m : members.values()) {
            while (m.up) {
                Ready rd;
                if (m.persisting != null) {
                    if (m.persistedAt > now) break;
                    rd = m.persisting;
                    m.persisting = null;
                } else if (m.node.hasReady()) {
                    rd = m.node.ready();
                    if (rd.sendBeforePersist()) for (RaftMessage msg : rd.messages()) send(msg);
                    long diskDelay = maxDiskDelayTicks > 0 ? random.nextInt(maxDiskDelayTicks + 1) : 0;
                    if (rd.mustSync() && diskDelay > 0) {
                        worked = true;
                        m.persisting = rd;
                        m.persistedAt = now + diskDelay;
                        break;
                    }
                } else {
                    break;
                }
                worked = true;
                if (rd.snapshot() != null) {
                    m.storage.applySnapshot(rd.snapshot());
                    m.applied.clear();
                    m.applied.addAll(decode(rd.snapshot().data()));
                    m.appliedIndex = rd.snapshot().index();
                }
                m.storage.append(rd.entries());
                if (rd.hardState() != null) m.storage.setHardState(rd.hardState());
                if (!rd.sendBeforePersist()) for (RaftMessage msg : rd.messages()) send(msg);
                for (LogEntry e : rd.committedEntries()) apply(m, e);
                for (ReadState rs : rd.readStates()) {
                    if (rs.index() > m.appliedIndex) throw new AssertionError("read " + rs + " before applied " + m.appliedIndex);
                    m.readStates.add(rs);
                }
                m.node.advance(rd);
            }
        }
        return worked;
    }

    private void apply(Member m, LogEntry e) {
        if (e.index() != m.appliedIndex + 1) {
            throw new AssertionError("member " + m.id + " applies " + e.index() + " after " + m.appliedIndex);
        }
        LogEntry first = appliedByIndex.putIfAbsent(e.index(), e);
        if (first != null && !first.equals(e)) {
            throw new AssertionError("State Machine Safety violated at " + e.index() + ": " + first + " vs " + e + " on " + m.id);
        }
        m.applied.add(e);
        m.appliedIndex = e.index();
    }

    // ------------------------------------------------------------ application snapshots

    /** Member id snapshots its state machine at its applied index and compacts its log (paper §7). */
    void compact(long id) {
        Member m = members.get(id);
        m.storage.createSnapshot(m.appliedIndex, m.node.status().configuration(), encode(m.applied));
    }

    static byte[] encode(List<LogEntry> entries) {
        int size = 4;
        for (LogEntry e : entries) size += 8 + 8 + 1 + 4 + e.data().length;
        ByteBuffer b = ByteBuffer.allocate(size).putInt(entries.size());
        for (LogEntry e : entries) {
            b.putLong(e.index()).putLong(e.term()).put((byte) e.type().ordinal()).putInt(e.data().length).put(e.data());
        }
        return b.array();
    }

    static List<LogEntry> decode(byte[] data) {
        List<LogEntry> out = new ArrayList<>();
        if (data.length == 0) return out;
        ByteBuffer b = ByteBuffer.wrap(data);
        int n = b.getInt();
        for (int i = 0; i < n; i++) {
            long index = b.getLong(), term = b.getLong();
            LogEntry.EntryType type = LogEntry.EntryType.values()[b.get()];
            byte[] d = new byte[b.getInt()];
            b.get(d);
            out.add(new LogEntry(index, term, type, d));
        }
        return out;
    }

    // ------------------------------------------------------------ queries

    /** The live leader with the highest term, or null. */
    Member leader() {
        Member best = null;
        for (Member m : members.values()) {
            if (m.up && m.node.role() == Role.LEADER && (best == null || m.node.term() > best.node.term())) best = m;
        }
        return best;
    }

    /** Tick until some live member leads (and the cluster settled), failing after maxTicks. */
    Member awaitLeader(int maxTicks) {
        for (int i = 0; i < maxTicks; i++) {
            Member l = leader();
            if (l != null) return l;
            tick(1);
        }
        throw new AssertionError("no leader after " + maxTicks + " ticks");
    }

    /** Tick until a live member other than {@code notId} leads. */
    Member awaitLeaderOtherThan(long notId, int maxTicks) {
        for (int i = 0; i < maxTicks; i++) {
            for (Member m : members.values()) {
                if (m.id != notId && m.up && m.node.role() == Role.LEADER) return m;
            }
            tick(1);
        }
        throw new AssertionError("no other leader after " + maxTicks + " ticks");
    }

    /** Elect the given member by having it campaign now. */
    Member elect(long id) {
        members.get(id).node.campaign();
        flush();
        return members.get(id);
    }

    List<byte[]> appliedData(long id) {
        List<byte[]> out = new ArrayList<>();
        for (LogEntry e : members.get(id).applied) {
            if (e.type() == LogEntry.EntryType.NORMAL && e.data().length > 0) out.add(e.data());
        }
        return out;
    }

    /** Messages delivered so far, for assertions about what was (not) sent. */
    List<RaftMessage> delivered() {
        return delivered;
    }
}
