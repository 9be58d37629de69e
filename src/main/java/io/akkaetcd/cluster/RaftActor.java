package io.akkaetcd.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.StashBuffer;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import com.google.protobuf.ByteString;
import io.akkaetcd.cluster.proto.PeerMessage;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.raft.Bootstrap;
import io.akkaetcd.raft.ConfChange;
import io.akkaetcd.raft.HardState;
import io.akkaetcd.raft.Configuration;
import io.akkaetcd.raft.InstallSnapshotRequest;
import io.akkaetcd.raft.LogEntry;
import io.akkaetcd.raft.MemoryRaftStorage;
import io.akkaetcd.raft.ProposeResult;
import io.akkaetcd.raft.RaftConfig;
import io.akkaetcd.raft.RaftMessage;
import io.akkaetcd.raft.RaftNode;
import io.akkaetcd.raft.RaftStatus;
import io.akkaetcd.raft.Ready;
import io.akkaetcd.raft.Role;
import io.akkaetcd.raft.Snapshot;
import io.akkaetcd.store.PendingRequests;
import io.akkaetcd.store.StoreActor;
import io.akkaetcd.wal.WalActor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Drives one member's {@link RaftNode}: a timer ticks it, peers' messages and local proposals step it,
 * and each {@link Ready} is handled in the order the core's contract requires:
 * <ol>
 *   <li>hand entries, hard state and any received snapshot's metadata to the {@link WalActor} as one
 *       {@link WalActor.Save}, and go on stepping messages and proposals while it is written (they group into
 *       the next Ready, so many proposals share one fsync); a hard state whose only change is the commit index
 *       need not be durable: it goes with the next write, or unsynced at the next tick;</li>
 *   <li>meanwhile hand committed entries and ready reads to the {@link StoreActor} (which applies them in
 *       order): committed means durable on a quorum already, so etcd applies them while the same Ready's
 *       entries are written, and so does this actor;</li>
 *   <li>once the WAL actor reports the write durable ({@link WalActor.Saved}), send the messages (a steady leader
 *       sends its appends before its own write, so the followers' fsyncs overlap the leader's; it counts its own
 *       entries toward commitment only at advance, that is once durable);</li>
 *   <li>then advance, and take the next Ready.</li>
 * </ol>
 * One write is in flight at a time (the core wants advance before the next Ready), which is etcd-io/raft's
 * asynchronous storage writes with a window of one: the hand-off is one message each way per batch.
 *
 * <p>It starts by asking the WAL actor for the recovered log (commands that arrive meanwhile are stashed); a
 * brand-new member of a new cluster first makes the initial membership durable (see {@link Bootstrap}).
 */
public final class RaftActor extends AbstractBehavior<RaftActor.Command> {

  public sealed interface Command {}

  /** Propose a request this member registered under {@code requestId} in {@link PendingRequests}. */
  public record Propose(byte[] data, long requestId) implements Command {}

  /** Start a linearizable read registered under {@code requestId}. */
  public record ReadIndex(long requestId) implements Command {}

  public record FromPeer(PeerMessage message) implements Command {}

  public record GetStatus(ActorRef<RaftView> replyTo) implements Command {}

  /** Ask the leader to hand leadership to {@code targetId}; answered true once it has. */
  public record TransferLeadership(long targetId, ActorRef<Boolean> replyTo) implements Command {}

  /** Propose a membership change; answered true once it has taken effect here, false if refused or timed out. */
  public record ProposeConfChange(ConfChange change, ActorRef<Boolean> replyTo) implements Command {}

  /** A keep-alive arrived here: if this member does not lead, pass it to the leader. */
  public record RenewLease(long leaseId) implements Command {}

  /** The Akka Cluster failure detector lost sight of this peer (etcd's ReportUnreachable). */
  public record PeerUnreachable(long memberId) implements Command {}

  /** Tell {@code subscriber} the Raft configuration now, and again each time it changes. */
  public record WatchConfiguration(ActorRef<ConfigurationChanged> subscriber) implements Command {}

  /** The voters and learners in effect, as applied from the log. */
  public record ConfigurationChanged(Configuration configuration) {}

  /** What Maintenance.Status reports of Raft. */
  public record RaftView(RaftStatus status, long appliedIndex, long leaderChanges) {}

  private enum Tick implements Command { INSTANCE }

  private enum Drive implements Command { INSTANCE }

  /**
   * A snapshot's data is in place in the store (see {@link SnapshotReceiver}): step its metadata into
   * Raft, which moves the log to it and answers the leader.
   */
  public record SnapshotArrived(InstallSnapshotRequest request) implements Command {}

  private record SnapshotReported(long to, boolean delivered) implements Command {}

  private record CheckpointDone(long appliedIndex) implements Command {}

  private record WalRecovered(WalActor.Recovered recovered) implements Command {}

  private enum WalSaved implements Command { INSTANCE }

  /**
   * How the Raft actor starts: its node's settings; for a brand-new member of a new cluster, the membership;
   * for a member imported from etcd's files, the log to journal if the WAL is empty (it wins over the membership);
   * with {@code forceNewCluster}, etcd's --force-new-cluster applied to a recovered log (see {@link ForceNewCluster}).
   */
  public record Start(RaftConfig raftConfig, Configuration bootstrapMembership, InitialLog initialLog,
                      boolean forceNewCluster) {
    public Start(RaftConfig raftConfig, Configuration bootstrapMembership) {
      this(raftConfig, bootstrapMembership, null, false);
    }
  }

  /** A log laid at first start: a snapshot (etcd's consistent index and configuration), later entries, hard state. */
  public record InitialLog(Snapshot snapshot, List<LogEntry> entries, HardState hardState) {}

  private static final int STASH_CAPACITY = 10_000;

  private final RaftNode node;
  private final MemoryRaftStorage storage;
  private final akka.actor.ActorRef wal;
  private final ActorRef<WalActor.Saved> savedAdapter;
  private final ActorRef<StoreActor.Command> store;
  private final PeerTransport peers;
  private final PendingRequests pending;
  private final long snapshotCount;
  private final long electionTimeoutMillis;
  private final ActorRef<StoreActor.Checkpointed> checkpointAdapter;
  private final ActorRef<SnapshotSender.Command> snapshots;
  private final ActorRef<SnapshotSender.SnapshotReported> snapshotReportAdapter;
  private long appliedIndex;
  private long leaderId = RaftNode.NONE;
  /** Times a leader (not none) was seen that differs from the one before: etcd_server_leader_changes_seen_total. */
  private long leaderChanges;
  private boolean leading;
  private boolean checkpointing;
  private boolean driveQueued;
  /** The Ready whose durable part the WAL actor is writing; no other Ready until it is saved and advanced. */
  private Ready inFlight;
  /** A hard state that changed only its commit index, not yet handed to the WAL actor. */
  private HardState unwrittenCommit;
  private TransferLeadership transfer;
  private int transferTicksLeft;
  private ProposeConfChange confChange;
  private int confChangeTicksLeft;
  private final List<ActorRef<ConfigurationChanged>> configurationWatchers = new ArrayList<>();
  private final WaitingForLeader waitingForLeader = new WaitingForLeader();

  public static Behavior<Command> create(Start start, akka.actor.ActorRef wal,
      ActorRef<StoreActor.Command> store, ActorRef<SnapshotSender.Command> snapshots, PeerTransport peers,
      PendingRequests pending,
      Duration tickInterval, long snapshotCount, long electionTimeoutMillis) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> Behaviors.withStash(STASH_CAPACITY, stash -> {
      wal.tell(new WalActor.Start(ctx.messageAdapter(WalActor.Recovered.class, WalRecovered::new)),
          akka.actor.ActorRef.noSender());
      ActorRef<WalActor.Saved> saved = ctx.messageAdapter(WalActor.Saved.class, s -> WalSaved.INSTANCE);
      return Behaviors.receive(Command.class)
          .onMessage(WalRecovered.class, r -> {
            MemoryRaftStorage storage = r.recovered().storage();
            MemoryRaftStorage bootstrapped;
            if (!r.recovered().empty()) {
              ForceNewCluster.Forced forced = start.forceNewCluster()
                  ? ForceNewCluster.apply(storage, start.raftConfig().id()) : null;
              if (forced == null) {
                return running(ctx, timers, stash, start, storage, wal, saved, store, snapshots, peers, pending, tickInterval,
                    snapshotCount, electionTimeoutMillis);
              }
              wal.tell(new WalActor.Save(null, forced.appended(), forced.hardState(), true, saved),
                  akka.actor.ActorRef.noSender());
              bootstrapped = storage;
            } else if (start.initialLog() != null) {
              InitialLog l = start.initialLog();
              wal.tell(new WalActor.Save(l.snapshot(), l.entries(), l.hardState(), true, saved),
                  akka.actor.ActorRef.noSender());
              bootstrapped = new MemoryRaftStorage(Configuration.EMPTY);
              bootstrapped.applySnapshot(l.snapshot());
              bootstrapped.append(l.entries());
              bootstrapped.setHardState(l.hardState());
            } else if (start.bootstrapMembership() == null) {
              return running(ctx, timers, stash, start, storage, wal, saved, store, snapshots, peers, pending, tickInterval,
                  snapshotCount, electionTimeoutMillis);
            } else {
              Bootstrap b = Bootstrap.of(start.bootstrapMembership());
              wal.tell(new WalActor.Save(null, b.entries(), b.hardState(), true, saved), akka.actor.ActorRef.noSender());
              bootstrapped = MemoryRaftStorage.bootstrapped(start.bootstrapMembership());
            }
            return Behaviors.receive(Command.class)
                .onMessageEquals(WalSaved.INSTANCE, () -> running(ctx, timers, stash, start, bootstrapped, wal, saved, store, snapshots,
                    peers, pending, tickInterval, snapshotCount, electionTimeoutMillis))
                .onAnyMessage(m -> stashWhileStarting(stash, m))
                .build();
          })
          .onAnyMessage(m -> stashWhileStarting(stash, m))
          .build();
    })));
  }

  /** Before the log is recovered: keep what must be answered; ticks and (droppable) peer messages beyond capacity go. */
  private static Behavior<Command> stashWhileStarting(StashBuffer<Command> stash, Command m) {
    if (m != Tick.INSTANCE && m != Drive.INSTANCE && !stash.isFull()) stash.stash(m);
    return Behaviors.same();
  }

  private static Behavior<Command> running(ActorContext<Command> ctx, TimerScheduler<Command> timers,
      StashBuffer<Command> stash, Start start,
      MemoryRaftStorage storage, akka.actor.ActorRef wal, ActorRef<WalActor.Saved> saved,
      ActorRef<StoreActor.Command> store, ActorRef<SnapshotSender.Command> snapshots, PeerTransport peers,
      PendingRequests pending, Duration tickInterval,
      long snapshotCount, long electionTimeoutMillis) {
    RaftNode node = new RaftNode(start.raftConfig(), storage, new SplittableRandom());
    timers.startTimerWithFixedDelay(Tick.INSTANCE, tickInterval);
    return stash.unstashAll(new RaftActor(ctx, node, storage, wal, saved, store, snapshots, peers, pending, snapshotCount,
        electionTimeoutMillis));
  }

  private RaftActor(ActorContext<Command> ctx, RaftNode node, MemoryRaftStorage storage,
      akka.actor.ActorRef wal, ActorRef<WalActor.Saved> savedAdapter, ActorRef<StoreActor.Command> store,
      ActorRef<SnapshotSender.Command> snapshots, PeerTransport peers, PendingRequests pending,
      long snapshotCount, long electionTimeoutMillis) {
    super(ctx);
    this.electionTimeoutMillis = electionTimeoutMillis;
    this.node = node;
    this.storage = storage;
    this.wal = wal;
    this.savedAdapter = savedAdapter;
    this.store = store;
    this.snapshots = snapshots;
    this.snapshotReportAdapter = ctx.messageAdapter(SnapshotSender.SnapshotReported.class,
        r -> new SnapshotReported(r.to(), r.delivered()));
    this.peers = peers;
    this.pending = pending;
    this.snapshotCount = snapshotCount;
    this.appliedIndex = storage.snapshot().index();
    this.checkpointAdapter = ctx.messageAdapter(StoreActor.Checkpointed.class,
        c -> new CheckpointDone(c.appliedIndex()));
    drive();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(Drive.INSTANCE, this::onDrive)
        .onMessage(Propose.class, this::onPropose)
        .onMessage(ReadIndex.class, this::onReadIndex)
        .onMessage(FromPeer.class, this::onFromPeer)
        .onMessage(SnapshotArrived.class, this::onSnapshotArrived)
        .onMessage(SnapshotReported.class, this::onSnapshotReported)
        .onMessage(CheckpointDone.class, this::onCheckpointDone)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(TransferLeadership.class, this::onTransferLeadership)
        .onMessage(ProposeConfChange.class, this::onProposeConfChange)
        .onMessage(RenewLease.class, this::onRenewLease)
        .onMessage(PeerUnreachable.class, this::onPeerUnreachable)
        .onMessage(WatchConfiguration.class, this::onWatchConfiguration)
        .onMessageEquals(WalSaved.INSTANCE, this::onWalSaved)
        .build();
  }

  private Behavior<Command> onTick() {
    node.tick();
    if (!waitingForLeader.isEmpty()) {
      waitingForLeader.prune(pending);
    }
    if (unwrittenCommit != null && inFlight == null) {
      wal.tell(new WalActor.Save(null, List.of(), unwrittenCommit, false, null), akka.actor.ActorRef.noSender());
      unwrittenCommit = null;
    }
    if (transfer != null && --transferTicksLeft <= 0) {
      transfer.replyTo().tell(false);
      transfer = null;
    }
    if (confChange != null && --confChangeTicksLeft <= 0) {
      confChange.replyTo().tell(false);
      confChange = null;
    }
    return driveSoon();
  }

  private Behavior<Command> onPropose(Propose p) {
    ProposeResult result = node.propose(p.data());
    if (result instanceof ProposeResult.NotLeader notLeader) {
      if (notLeader.leaderId() == RaftNode.NONE) {
        if (!waitingForLeader.offer(p)) {
          pending.failWrite(p.requestId(), EtcdError.NO_LEADER.exception());
        }
      } else {
        peers.send(notLeader.leaderId(), PeerMessage.newBuilder().setFrom(node.id()).setTo(notLeader.leaderId())
            .setForwardedProposal(ByteString.copyFrom(p.data())).build());
      }
    } else if (result instanceof ProposeResult.Dropped) {
      pending.failWrite(p.requestId(), EtcdError.LEADER_CHANGED.exception());
    }
    return driveSoon();
  }

  private Behavior<Command> onReadIndex(ReadIndex r) {
    if (!node.readIndex(r.requestId()) && !waitingForLeader.offer(r)) {
      pending.failRead(r.requestId(), EtcdError.NO_LEADER.exception());
    }
    return driveSoon();
  }

  private Behavior<Command> onPeerUnreachable(PeerUnreachable p) {
    node.reportUnreachable(p.memberId());
    return driveSoon();
  }

  private Behavior<Command> onWatchConfiguration(WatchConfiguration w) {
    configurationWatchers.add(w.subscriber());
    w.subscriber().tell(new ConfigurationChanged(node.status().configuration()));
    return this;
  }

  /** Only the PeerInbox tells this, and only what it authenticated (see PeerAuthentication). */
  private Behavior<Command> onFromPeer(FromPeer fromPeer) {
    PeerMessage m = fromPeer.message();
    peers.adoptClusterId(m.getClusterId());
    if (m.hasForwardedProposal()) {
      // Proposed on a member that thought we lead; if we no longer do, the origin times out.
      node.propose(m.getForwardedProposal().toByteArray());
    } else if (m.hasLeaseRenew()) {
      renewAtStore(m.getLeaseRenew());
    } else if (m.hasForwardedConfChange()) {
      node.proposeConfChange(ConfChange.decode(m.getForwardedConfChange().toByteArray()));
    } else {
      RaftMessage message = RaftCodec.decode(m);
      // A snapshot's metadata counts only once its data is in the store; it never comes bare off the wire.
      if (message != null && !(message instanceof InstallSnapshotRequest)) {
        node.step(message);
      }
    }
    return driveSoon();
  }

  /**
   * Queues one Drive behind whatever the mailbox holds, so that every proposal and peer message that
   * arrived meanwhile is stepped first and they share the next Ready.
   */
  private Behavior<Command> driveSoon() {
    if (!driveQueued && inFlight == null) {
      driveQueued = true;
      getContext().getSelf().tell(Drive.INSTANCE);
    }
    return this;
  }

  private Behavior<Command> onDrive() {
    driveQueued = false;
    return drive();
  }

  /**
   * Handles Readys until one must be made durable: that one goes to the WAL actor, and the rest of its
   * handling waits for {@link #onWalSaved}.
   */
  private Behavior<Command> drive() {
    while (inFlight == null && node.hasReady()) {
      Ready rd = node.ready();
      if (rd.sendBeforePersist()) send(rd.messages());
      apply(rd);
      if (rd.mustSync()) {
        inFlight = rd;
        HardState hs = rd.hardState() != null ? rd.hardState() : unwrittenCommit;
        unwrittenCommit = null;
        wal.tell(new WalActor.Save(rd.snapshot(), rd.entries(), hs, true, savedAdapter),
            akka.actor.ActorRef.noSender());
        return this;
      }
      if (rd.hardState() != null) {
        // Only the commit index moved: it need not be durable (a restarted member learns it again), so it
        // goes with the next write, or unsynced at the next tick if none comes (etcd writes it unsynced).
        unwrittenCommit = rd.hardState();
        storage.setHardState(rd.hardState());
      }
      finish(rd);
    }
    return this;
  }

  private Behavior<Command> onWalSaved() {
    Ready rd = inFlight;
    inFlight = null;
    persisted(rd);
    finish(rd);
    return drive();
  }

  /** Mirrors what the WAL now holds into the in-memory log. */
  private void persisted(Ready rd) {
    if (rd.snapshot() != null) {
      // The store already holds it (SnapshotReceiver installs the data before Raft sees the metadata).
      Snapshot s = rd.snapshot();
      storage.applySnapshot(new Snapshot(s.index(), s.term(), s.configuration(), new byte[0]));
      appliedIndex = Math.max(appliedIndex, s.index());
    }
    storage.append(rd.entries());
    if (rd.hardState() != null) {
      storage.setHardState(rd.hardState());
    }
  }

  private void send(List<RaftMessage> messages) {
    for (RaftMessage m : messages) {
      if (m instanceof InstallSnapshotRequest snap) {
        sendSnapshot(snap);
      } else {
        peers.send(m.to(), RaftCodec.encode(m));
      }
    }
  }

  /**
   * Committed entries are already durable on a quorum, so they are applied while this Ready's own entries are
   * still being written (etcd's raft loop does the same); reads ready with them are served after them.
   */
  private void apply(Ready rd) {
    List<LogEntry> committed = rd.committedEntries();
    if (rd.hardState() != null) {
      pending.committed(rd.hardState().commit());
    }
    if (!committed.isEmpty() || !rd.readStates().isEmpty()) {
      store.tell(new StoreActor.ApplyCommitted(committed, rd.readStates(), node.term()));
      if (!committed.isEmpty()) {
        appliedIndex = committed.get(committed.size() - 1).index();
      }
    }
  }

  private void finish(Ready rd) {
    if (!rd.sendBeforePersist()) send(rd.messages());
    if (rd.softState() != null) {
      onLeaderChange(rd.softState().leaderId(), rd.softState().role());
    }
    node.advance(rd);
    if (rd.snapshot() != null
        || rd.committedEntries().stream().anyMatch(e -> e.type() == LogEntry.EntryType.CONF_CHANGE)) {
      ConfigurationChanged changed = new ConfigurationChanged(node.status().configuration());
      configurationWatchers.forEach(w -> w.tell(changed));
    }
    if (confChange != null && inEffect(confChange.change())) {
      confChange.replyTo().tell(true);
      confChange = null;
    }
    maybeCheckpoint();
  }

  private Behavior<Command> onRenewLease(RenewLease renew) {
    long leader = node.leaderId();
    if (leader != RaftNode.NONE && leader != node.id()) {
      peers.send(leader, PeerMessage.newBuilder().setFrom(node.id()).setTo(leader)
          .setLeaseRenew(renew.leaseId()).build());
    }
    return this;
  }

  private void renewAtStore(long leaseId) {
    store.tell(new StoreActor.RenewLease(leaseId, getContext().getSystem().ignoreRef()));
  }

  private boolean inEffect(ConfChange cc) {
    Configuration conf = node.status().configuration();
    return switch (cc.type()) {
      case ADD_VOTER -> conf.isVoter(cc.nodeId());
      case ADD_LEARNER -> conf.isLearner(cc.nodeId());
      case REMOVE_NODE -> !conf.contains(cc.nodeId());
    };
  }

  private Behavior<Command> onProposeConfChange(ProposeConfChange p) {
    if (confChange != null) {
      p.replyTo().tell(false);
      return this;
    }
    ProposeResult result = node.proposeConfChange(p.change());
    if (result instanceof ProposeResult.NotLeader notLeader && notLeader.leaderId() != RaftNode.NONE) {
      peers.send(notLeader.leaderId(), PeerMessage.newBuilder().setFrom(node.id()).setTo(notLeader.leaderId())
          .setForwardedConfChange(ByteString.copyFrom(p.change().encode())).build());
    } else if (!(result instanceof ProposeResult.Accepted)) {
      p.replyTo().tell(false);
      return this;
    }
    confChange = p;
    confChangeTicksLeft = 50;
    return driveSoon();
  }

  private void onLeaderChange(long newLeader, Role role) {
    boolean isLeader = role == Role.LEADER;
    if (isLeader != leading) {
      // A new leader's lessor extends every lease by an election timeout, as etcd's does.
      leading = isLeader;
      store.tell(new StoreActor.LeadershipChanged(isLeader, electionTimeoutMillis));
    }
    if (newLeader != leaderId) {
      getContext().getLog().info("raft.node: {} elected leader {} at term {} (role {})",
          Long.toHexString(node.id()), Long.toHexString(newLeader), node.term(), role);
      if (leaderId != RaftNode.NONE) {
        // The core drops reads pending at the old leader; fail them so clients retry at once.
        pending.failAllReads(EtcdError.LEADER_CHANGED.exception());
      }
      if (newLeader != RaftNode.NONE) {
        leaderChanges++;
        // Behind whatever the mailbox holds, in arrival order: stepped once this Ready is advanced.
        waitingForLeader.drain(pending).forEach(getContext().getSelf()::tell);
      }
      leaderId = newLeader;
    }
    if (transfer != null && newLeader == transfer.targetId()) {
      transfer.replyTo().tell(true);
      transfer = null;
    }
  }

  /** The store streams to the follower (see {@link SnapshotSender}); Raft hears how it went when it is over. */
  private void sendSnapshot(InstallSnapshotRequest request) {
    snapshots.tell(new SnapshotSender.Send(request, snapshotReportAdapter));
  }

  private Behavior<Command> onSnapshotReported(SnapshotReported reported) {
    node.reportSnapshot(reported.to(), reported.delivered());
    return driveSoon();
  }

  private Behavior<Command> onSnapshotArrived(SnapshotArrived arrived) {
    node.step(arrived.request());
    return driveSoon();
  }

  /** Every snapshot-count applied entries, make the store durable and drop the log it covers. */
  private void maybeCheckpoint() {
    if (!checkpointing && appliedIndex - storage.snapshot().index() >= snapshotCount) {
      checkpointing = true;
      store.tell(new StoreActor.Checkpoint(checkpointAdapter));
    }
  }

  private Behavior<Command> onCheckpointDone(CheckpointDone done) {
    checkpointing = false;
    long index = Math.min(done.appliedIndex(), storage.lastIndex());
    if (index > storage.snapshot().index()) {
      storage.createSnapshot(index, node.status().configuration(), new byte[0]);
      wal.tell(new WalActor.Compact(storage.snapshot()), akka.actor.ActorRef.noSender());
      getContext().getLog().info("compacted raft log at index {}", index);
    }
    return this;
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    get.replyTo().tell(new RaftView(node.status(), appliedIndex, leaderChanges));
    return this;
  }

  private Behavior<Command> onTransferLeadership(TransferLeadership t) {
    if (node.leaderId() == t.targetId()) {
      t.replyTo().tell(true);
      return this;
    }
    if (node.role() != Role.LEADER || !node.transferLeadership(t.targetId())) {
      t.replyTo().tell(false);
      return this;
    }
    transfer = t;
    transferTicksLeft = 30;
    return driveSoon();
  }
}
