package io.akkaetcd.raft;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One Raft member as a pure state machine (after etcd-io/raft): no threads, clock, network or disk. Time advances
 * by {@link #tick()}, input arrives by {@link #step(RaftMessage)} and the local calls (propose, readIndex,
 * transferLeadership), and every effect comes out of {@link #ready()}. Not thread-safe: one actor owns it.
 *
 * <h2>Driver contract</h2>
 * Whenever {@link #hasReady()} is true, take {@code rd = ready()} and, in this order:
 * <ol>
 *   <li><b>Persist</b>: if {@code rd.snapshot()} is set, store it (and restore the state machine from it); append
 *       {@code rd.entries()} (overwriting any conflicting tail); store {@code rd.hardState()} if non-null; then
 *       fsync. Nothing may be sent before this is durable (a vote or an append acknowledgement is a promise),
 *       except when {@code rd.sendBeforePersist()}: then a leader's appends go out first and its own disk write
 *       runs in parallel with the followers' (thesis §10.2.1).</li>
 *   <li><b>Send</b> {@code rd.messages()}, each to {@code message.to()}. Losing, delaying, duplicating or reordering
 *       them is safe. Report the outcome of every InstallSnapshotRequest with {@link #reportSnapshot} (true once
 *       the transport delivered it, false if it failed): the leader sends nothing else to that follower until
 *       then or until the follower's InstallSnapshotResponse arrives. Report an unreachable peer with
 *       {@link #reportUnreachable}.</li>
 *   <li><b>Apply</b> {@code rd.committedEntries()} to the state machine in order (CONF_CHANGE entries need no
 *       action: membership changes take effect inside Raft at {@link #advance}); then serve
 *       {@code rd.readStates()}, whose indexes are covered by what was just applied. This may also run while the
       same Ready is being persisted, as etcd's server does: committed entries are durable on a quorum already, and
       a member that crashes before its own write is refilled by the leader.</li>
 *   <li>Call {@link #advance(Ready)} with the same Ready before asking for the next one.</li>
 * </ol>
 * A restarted member is built from the same {@link RaftStorage}; it re-delivers committed entries after the
 * storage's snapshot, so the state machine restarts from that snapshot.
 *
 * <p>The role-specific halves of step live in {@link FollowerStep}, {@link CandidateStep} and {@link LeaderStep};
 * this class holds the state, term rules common to all roles, and the Ready/advance bookkeeping.
 */
public final class RaftNode {
    /** No member / no leader / no vote. */
    public static final long NONE = 0;

    final long id;
    final RaftConfig config;
    private final RandomGenerator random;
    final RaftLog log;
    ProgressTracker tracker;
    ReadOnly readOnly = new ReadOnly();

    long term;
    long vote = NONE;
    long leaderId = NONE;
    Role role = Role.FOLLOWER;
    int electionElapsed;
    int heartbeatElapsed;
    private int randomizedElectionTimeout;
    long leadTransferee = NONE;
    /** Leader: index of the last conf change appended; another may be proposed only once it is applied. */
    long pendingConfIndex;

    final List<RaftMessage> outbox = new ArrayList<>();
    /** Reads with a known index, waiting until the state machine catches up to it. */
    final List<ReadState> pendingReadStates = new ArrayList<>();
    /** Leader: reads that arrived before it committed an entry of its own term (thesis §6.4 step 1). */
    final List<long[]> readsAwaitingTermCommit = new ArrayList<>();
    /** Leader: reads were added since the last heartbeat round; {@link #ready()} sends one round for all. */
    boolean readHeartbeatDue;

    private HardState prevHardState;
    private SoftState prevSoftState;
    private boolean readyOutstanding;

    public RaftNode(RaftConfig config, RaftStorage storage, RandomGenerator random) {
        this.id = config.id();
        this.config = config;
        this.random = random;
        this.log = new RaftLog(storage);
        RaftStorage.InitialState init = storage.initialState();
        this.tracker = new ProgressTracker(init.configuration(), config.maxInflightMessages());
        HardState hs = init.hardState();
        if (hs.commit() < log.committed || hs.commit() > log.lastIndex()) {
            throw new IllegalStateException("stored commit " + hs.commit() + " outside [" + log.committed + ", " + log.lastIndex() + "]");
        }
        log.committed = hs.commit();
        becomeFollower(hs.term(), NONE);
        this.vote = hs.vote();
        this.prevHardState = hardState();
        this.prevSoftState = softState();
    }

    // ---------------------------------------------------------------- inputs

    /** Advance logical time by one tick. */
    public void tick() {
        if (role == Role.LEADER) {
            LeaderStep.tick(this);
        } else {
            electionElapsed++;
            if (promotable() && electionElapsed >= randomizedElectionTimeout) {
                electionElapsed = 0;
                hup(false);
            }
        }
    }

    /** Start an election now, as if the election timeout had passed (pre-vote first if enabled). */
    public void campaign() {
        hup(false);
    }

    /** Handle a message from a peer. Messages for another member are ignored. */
    public void step(RaftMessage m) {
        if (m.to() != id) return;
        if (m.term() > term) {
            if (m instanceof VoteRequest v && !v.leadershipTransfer() && inLease()) {
                // Leader lease (thesis §4.2.3): we heard from a live leader within the minimum election timeout,
                // so this candidate is likely a disruptive rejoining server; ignore it without raising our term.
                return;
            }
            boolean keepTerm = (m instanceof VoteRequest v && v.preVote())
                    || (m instanceof VoteResponse r && r.preVote() && r.granted());
            if (!keepTerm) {
                boolean fromLeader = m instanceof AppendEntriesRequest || m instanceof HeartbeatRequest
                        || m instanceof InstallSnapshotRequest;
                becomeFollower(m.term(), fromLeader ? m.from() : NONE);
            }
        } else if (m.term() < term) {
            if ((config.checkQuorum() || config.preVote())
                    && (m instanceof AppendEntriesRequest || m instanceof HeartbeatRequest)) {
                // A stale leader (e.g. after a partition) would never learn of the new term under pre-vote or
                // check-quorum, because our own elections no longer reach it; tell it so it steps down.
                send(new AppendEntriesResponse(id, m.from(), term, 0, false, 0, 0));
            } else if (m instanceof VoteRequest v && v.preVote()) {
                send(new VoteResponse(id, m.from(), term, true, false));
            }
            return;
        }
        if (m instanceof VoteRequest v) {
            handleVoteRequest(v);
            return;
        }
        switch (role) {
            case FOLLOWER -> FollowerStep.step(this, m);
            case PRE_CANDIDATE, CANDIDATE -> CandidateStep.step(this, m);
            case LEADER -> LeaderStep.step(this, m);
        }
    }

    /** Append data to the log if this member leads; committed once it shows up in committedEntries. */
    public ProposeResult propose(byte[] data) {
        return proposeEntry(LogEntry.EntryType.NORMAL, data);
    }

    /**
     * Propose a single-member change. Refused while a previous change is not yet applied, so at most one change
     * is in flight and successive majorities overlap (thesis §4.1).
     */
    public ProposeResult proposeConfChange(ConfChange cc) {
        if (role == Role.LEADER) {
            if (pendingConfIndex > log.applied) {
                return new ProposeResult.Dropped("configuration change at " + pendingConfIndex + " not yet applied");
            }
            try {
                tracker.config.apply(cc);
            } catch (IllegalArgumentException e) {
                return new ProposeResult.Dropped(e.getMessage());
            }
        }
        ProposeResult r = proposeEntry(LogEntry.EntryType.CONF_CHANGE, cc.encode());
        if (r instanceof ProposeResult.Accepted a) pendingConfIndex = a.index();
        return r;
    }

    private ProposeResult proposeEntry(LogEntry.EntryType type, byte[] data) {
        if (role != Role.LEADER) return new ProposeResult.NotLeader(leaderId);
        if (leadTransferee != NONE) {
            return new ProposeResult.Dropped("leadership transfer to " + leadTransferee + " in progress");
        }
        if (!tracker.config.isVoter(id)) return new ProposeResult.Dropped("leader is no longer a voter");
        LogEntry e = appendEntry(type, data);
        LeaderStep.bcastAppend(this);
        return new ProposeResult.Accepted(e.index(), e.term());
    }

    /**
     * Request a linearizable read (thesis §6.4). A {@link ReadState} with this requestId appears in a later Ready
     * once leadership was confirmed and the state machine reached the read index. Returns false if no leader is
     * known; the request may also be lost with a leader change, so callers retry after a timeout.
     */
    public boolean readIndex(long requestId) {
        if (role == Role.LEADER) {
            LeaderStep.readIndex(this, requestId, id);
            return true;
        }
        if (leaderId == NONE) return false;
        send(new ReadIndexRequest(id, leaderId, term, requestId));
        return true;
    }

    /**
     * Leader: hand leadership to a voter (thesis §3.10). Catches it up, then sends TimeoutNow; proposals are
     * dropped meanwhile, and the transfer is abandoned after an election timeout. Returns false if refused.
     */
    public boolean transferLeadership(long targetId) {
        return LeaderStep.transferLeadership(this, targetId);
    }

    /** The driver failed (or succeeded) to deliver an InstallSnapshotRequest to peer. */
    public void reportSnapshot(long peer, boolean success) {
        if (role != Role.LEADER) return;
        Progress pr = tracker.get(peer);
        if (pr == null || pr.state != Progress.State.SNAPSHOT) return;
        if (!success) pr.pendingSnapshot = 0;
        pr.becomeProbe();
        // Wait for the next heartbeat answer before probing, as etcd does.
        pr.probeSent = true;
    }

    /** The driver could not reach peer: stop streaming to it optimistically. */
    public void reportUnreachable(long peer) {
        if (role != Role.LEADER) return;
        Progress pr = tracker.get(peer);
        if (pr != null && pr.state == Progress.State.REPLICATE) pr.becomeProbe();
    }

    // ---------------------------------------------------------------- outputs

    public boolean hasReady() {
        if (!softState().equals(prevSoftState) || !hardState().equals(prevHardState)) return true;
        if (log.unstable.snapshot() != null || !outbox.isEmpty() || readHeartbeatDue) return true;
        if (!log.unstableEntries().isEmpty() || log.hasNextCommittedEntries()) return true;
        for (ReadState rs : pendingReadStates) {
            if (rs.index() <= log.applied) return true;
        }
        return false;
    }

    public Ready ready() {
        if (readyOutstanding) throw new IllegalStateException("advance() the previous Ready first");
        if (readHeartbeatDue) {
            readHeartbeatDue = false;
            if (role == Role.LEADER) LeaderStep.bcastHeartbeat(this, readOnly.lastPendingContext());
        }
        SoftState ss = softState();
        HardState hs = hardState();
        Snapshot snap = log.unstable.snapshot();
        List<LogEntry> committed = log.nextCommittedEntries();
        long appliedAfter = snap != null ? snap.index()
                : committed.isEmpty() ? log.applied : committed.get(committed.size() - 1).index();
        List<ReadState> reads = new ArrayList<>();
        for (Iterator<ReadState> it = pendingReadStates.iterator(); it.hasNext(); ) {
            ReadState rs = it.next();
            if (rs.index() <= appliedAfter) {
                reads.add(rs);
                it.remove();
            }
        }
        List<LogEntry> unstable = log.unstableEntries();
        boolean termOrVoteChanged = hs.term() != prevHardState.term() || hs.vote() != prevHardState.vote();
        boolean mustSync = !unstable.isEmpty() || snap != null || termOrVoteChanged;
        // A leader whose term and vote are already durable promises nothing by sending appends: only its own
        // entries are not on disk yet, and it does not count them until advance() says they are.
        boolean sendBeforePersist = role == Role.LEADER && snap == null && !termOrVoteChanged;
        Ready rd = new Ready(ss.equals(prevSoftState) ? null : ss, hs.equals(prevHardState) ? null : hs,
                unstable, snap, new ArrayList<>(outbox), committed, reads, mustSync, sendBeforePersist);
        outbox.clear();
        prevSoftState = ss;
        prevHardState = hs;
        readyOutstanding = true;
        return rd;
    }

    /** The driver has persisted, sent and applied everything in rd. */
    public void advance(Ready rd) {
        readyOutstanding = false;
        if (rd.snapshot() != null) {
            log.stableSnapTo(rd.snapshot().index());
            log.appliedTo(rd.snapshot().index());
        }
        if (!rd.entries().isEmpty()) {
            LogEntry last = rd.entries().get(rd.entries().size() - 1);
            log.stableTo(last.index(), last.term());
        }
        for (LogEntry e : rd.committedEntries()) {
            log.appliedTo(e.index());
            if (e.type() == LogEntry.EntryType.CONF_CHANGE) applyConfChange(ConfChange.decode(e.data()));
        }
        if (role == Role.LEADER && (!rd.entries().isEmpty() || rd.snapshot() != null)) selfAck();
    }

    /** Leader: its own log counts toward commitment up to what is on its disk (thesis §10.2.1). */
    private void selfAck() {
        Progress self = tracker.get(id);
        if (self != null && self.maybeUpdate(log.persistedLastIndex()) && LeaderStep.maybeCommit(this)) {
            LeaderStep.bcastAppend(this);
        }
    }

    public RaftStatus status() {
        return new RaftStatus(id, term, vote, log.committed, log.applied, log.lastIndex(), leaderId, role,
                tracker.config, role == Role.LEADER ? tracker.matchIndexes() : java.util.Map.of(), leadTransferee);
    }

    public long id() {
        return id;
    }

    public Role role() {
        return role;
    }

    public long term() {
        return term;
    }

    public long leaderId() {
        return leaderId;
    }

    SoftState softState() {
        return new SoftState(leaderId, role);
    }

    HardState hardState() {
        return new HardState(term, vote, log.committed);
    }

    /** For tests: every entry this member holds, stable or not. */
    List<LogEntry> logEntries() {
        return log.allEntries();
    }

    // ---------------------------------------------------------------- role changes

    void becomeFollower(long newTerm, long lead) {
        reset(newTerm);
        role = Role.FOLLOWER;
        leaderId = lead;
    }

    private void becomePreCandidate() {
        // Pre-vote changes neither term nor vote (thesis §9.6): losing it leaves the cluster undisturbed.
        tracker.resetVotes();
        role = Role.PRE_CANDIDATE;
        leaderId = NONE;
    }

    private void becomeCandidate() {
        reset(term + 1);
        vote = id;
        role = Role.CANDIDATE;
    }

    void becomeLeader() {
        reset(term);
        role = Role.LEADER;
        leaderId = id;
        tracker.get(id).becomeReplicate();
        // Entries before this are possibly uncommitted conf changes; allow a new change only after they apply.
        pendingConfIndex = log.lastIndex();
        // A no-op of our own term lets us commit (and learn the commit of) earlier terms' entries (§5.4.2, §8).
        appendEntry(LogEntry.EntryType.NORMAL, new byte[0]);
    }

    private void reset(long newTerm) {
        if (term != newTerm) {
            term = newTerm;
            vote = NONE;
        }
        leaderId = NONE;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        randomizedElectionTimeout = config.electionTicks() + random.nextInt(config.electionTicks());
        leadTransferee = NONE;
        pendingConfIndex = 0;
        tracker.resetVotes();
        tracker.resetProgress(id, log.lastIndex(), log.persistedLastIndex());
        readOnly = new ReadOnly();
        readHeartbeatDue = false;
        readsAwaitingTermCommit.clear();
    }

    /** Election timeout or TimeoutNow: campaign, with a pre-vote round first unless this is a transfer. */
    void hup(boolean transfer) {
        if (role == Role.LEADER || !promotable() || hasUnappliedConfChange()) return;
        campaign(config.preVote() && !transfer, transfer);
    }

    void campaign(boolean preVote, boolean transfer) {
        long voteTerm;
        if (preVote) {
            becomePreCandidate();
            voteTerm = term + 1;
        } else {
            becomeCandidate();
            voteTerm = term;
        }
        tracker.recordVote(id, true);
        if (tracker.tallyVotes() == ProgressTracker.VoteResult.WON) {
            if (preVote) campaign(false, transfer); else becomeLeader();
            return;
        }
        for (long voter : tracker.config.voters()) {
            if (voter == id) continue;
            send(new VoteRequest(id, voter, voteTerm, log.lastIndex(), log.lastTerm(), preVote, transfer));
        }
    }

    private void handleVoteRequest(VoteRequest v) {
        // We can vote for v.from if we already did, or have voted for no one and know no leader this term; a
        // pre-vote for a future term is always considered. Either way the candidate's log must be at least as
        // up to date as ours (§5.4.1).
        boolean canVote = vote == v.from() || (vote == NONE && leaderId == NONE) || (v.preVote() && v.term() > term);
        if (canVote && log.isUpToDate(v.lastLogIndex(), v.lastLogTerm())) {
            send(new VoteResponse(id, v.from(), v.term(), v.preVote(), true));
            if (!v.preVote()) {
                electionElapsed = 0;
                vote = v.from();
            }
        } else {
            send(new VoteResponse(id, v.from(), term, v.preVote(), false));
        }
    }

    // ---------------------------------------------------------------- shared helpers

    boolean inLease() {
        return config.checkQuorum() && leaderId != NONE && electionElapsed < config.electionTicks();
    }

    boolean promotable() {
        return tracker.config.isVoter(id);
    }

    private boolean hasUnappliedConfChange() {
        if (log.committed <= log.applied) return false;
        long lo = Math.max(log.applied + 1, log.firstIndex());
        if (lo > log.committed) return false;
        for (LogEntry e : log.slice(lo, log.committed + 1, Integer.MAX_VALUE, Long.MAX_VALUE)) {
            if (e.type() == LogEntry.EntryType.CONF_CHANGE) return true;
        }
        return false;
    }

    void send(RaftMessage m) {
        outbox.add(m);
    }

    LogEntry appendEntry(LogEntry.EntryType type, byte[] data) {
        LogEntry e = new LogEntry(log.lastIndex() + 1, term, type, data);
        log.append(List.of(e));
        return e;
    }

    /** A follower installs a snapshot from the leader (paper §7); false if it brings nothing new. */
    boolean restore(Snapshot s) {
        if (s.index() <= log.committed) return false;
        if (log.matchTerm(s.index(), s.term())) {
            // We already hold that entry: just fast-forward commit and keep our log.
            log.commitTo(s.index());
            return false;
        }
        log.restore(s);
        tracker = new ProgressTracker(s.configuration(), config.maxInflightMessages());
        tracker.resetProgress(id, log.lastIndex(), log.persistedLastIndex());
        return true;
    }

    /** Membership changes take effect when their entry is applied, on every member alike. */
    void applyConfChange(ConfChange cc) {
        Configuration next;
        try {
            next = tracker.config.apply(cc);
        } catch (IllegalArgumentException e) {
            return; // refused at proposal time on the leader; a stale change cannot empty the cluster
        }
        tracker.applyConfiguration(next, log.lastIndex());
        if (role != Role.LEADER) return;
        if (!next.isVoter(id)) {
            // Thesis §4.2.2: a leader removed from the configuration steps down once the change commits. Tell the
            // others about the commit first, so one of them can win the next election.
            LeaderStep.bcastAppend(this);
            becomeFollower(term, NONE);
            return;
        }
        if (leadTransferee != NONE && !next.isVoter(leadTransferee)) leadTransferee = NONE;
        LeaderStep.maybeCommit(this);
        LeaderStep.bcastAppend(this);
    }
}
