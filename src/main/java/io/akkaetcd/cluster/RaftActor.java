package io.akkaetcd.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import com.google.protobuf.ByteString;
import io.akkaetcd.cluster.proto.PeerMessage;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.metrics.Histogram;
import io.akkaetcd.raft.ConfChange;
import io.akkaetcd.raft.Configuration;
import io.akkaetcd.raft.InstallSnapshotRequest;
import io.akkaetcd.raft.LogEntry;
import io.akkaetcd.raft.MemoryRaftStorage;
import io.akkaetcd.raft.ProposeResult;
import io.akkaetcd.storage.RaftWal;
import io.akkaetcd.raft.RaftMessage;
import io.akkaetcd.raft.RaftNode;
import io.akkaetcd.raft.RaftStatus;
import io.akkaetcd.raft.Ready;
import io.akkaetcd.raft.Role;
import io.akkaetcd.raft.Snapshot;
import io.akkaetcd.store.PendingRequests;
import io.akkaetcd.store.StoreActor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives one member's {@link RaftNode}: a timer ticks it, peers' messages and local proposals step it,
 * and each {@link Ready} is handled in the order the core's contract requires:
 * <ol>
 *   <li>persist entries, hard state and any snapshot to the {@link RaftWal} (one synced write;
 *       a hard state whose only change is the commit index is written lazily, as etcd does);</li>
 *   <li>then send the messages to peers (a steady leader sends its appends before its own write, so the
 *       followers' fsyncs overlap the leader's);</li>
 *   <li>then hand committed entries and ready reads to the {@link StoreActor} (which applies them in order);</li>
 *   <li>then advance.</li>
 * </ol>
 * The actor runs on a dispatcher of its own, since it blocks in fsync. Proposals and peer messages that
 * arrive during an fsync queue in the mailbox and go into the next Ready together, so many proposals
 * share one fsync (group commit).
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
  public record RaftView(RaftStatus status, long appliedIndex) {}

  private enum Tick implements Command { INSTANCE }

  private enum Drive implements Command { INSTANCE }

  private record SnapshotDataReady(InstallSnapshotRequest request, byte[] data) implements Command {}

  private record CheckpointDone(long appliedIndex) implements Command {}

  private final RaftNode node;
  private final MemoryRaftStorage storage;
  private final RaftWal wal;
  private final ActorRef<StoreActor.Command> store;
  private final PeerTransport peers;
  private final PendingRequests pending;
  private final long snapshotCount;
  private final long electionTimeoutMillis;
  private final Histogram walFsync;
  private final ActorRef<StoreActor.Checkpointed> checkpointAdapter;
  private long appliedIndex;
  private long leaderId = RaftNode.NONE;
  private boolean leading;
  private boolean checkpointing;
  private boolean driveQueued;
  private TransferLeadership transfer;
  private int transferTicksLeft;
  private ProposeConfChange confChange;
  private int confChangeTicksLeft;
  private final List<ActorRef<ConfigurationChanged>> configurationWatchers = new ArrayList<>();

  public static Behavior<Command> create(RaftNode node, MemoryRaftStorage storage, RaftWal wal,
      ActorRef<StoreActor.Command> store, PeerTransport peers, PendingRequests pending,
      Duration tickInterval, long snapshotCount, long electionTimeoutMillis, Histogram walFsync) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, tickInterval);
      return new RaftActor(ctx, node, storage, wal, store, peers, pending, snapshotCount, electionTimeoutMillis,
          walFsync);
    }));
  }

  private RaftActor(ActorContext<Command> ctx, RaftNode node, MemoryRaftStorage storage,
      RaftWal wal, ActorRef<StoreActor.Command> store, PeerTransport peers,
      PendingRequests pending, long snapshotCount, long electionTimeoutMillis, Histogram walFsync) {
    super(ctx);
    this.walFsync = walFsync;
    this.electionTimeoutMillis = electionTimeoutMillis;
    this.node = node;
    this.storage = storage;
    this.wal = wal;
    this.store = store;
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
        .onMessage(SnapshotDataReady.class, this::onSnapshotDataReady)
        .onMessage(CheckpointDone.class, this::onCheckpointDone)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(TransferLeadership.class, this::onTransferLeadership)
        .onMessage(ProposeConfChange.class, this::onProposeConfChange)
        .onMessage(RenewLease.class, this::onRenewLease)
        .onMessage(PeerUnreachable.class, this::onPeerUnreachable)
        .onMessage(WatchConfiguration.class, this::onWatchConfiguration)
        .onSignal(PostStop.class, signal -> {
          wal.close();
          return this;
        })
        .build();
  }

  private Behavior<Command> onTick() {
    node.tick();
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
        pending.failWrite(p.requestId(), EtcdError.NO_LEADER.exception());
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
    if (!node.readIndex(r.requestId())) {
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
      if (message != null) {
        node.step(message);
      }
    }
    return driveSoon();
  }

  /**
   * Queues one Drive behind whatever the mailbox holds, so that every proposal and peer message that
   * arrived during the last fsync is stepped first and they all share the next one (group commit).
   */
  private Behavior<Command> driveSoon() {
    if (!driveQueued) {
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
   * Handles every Ready the node has: persists what must be durable, then sends, applies and advances.
   * The fsync runs here, on this actor's own thread, as etcd's raft loop does it: a handoff to a WAL
   * actor and back cost two thread wake-ups per write.
   */
  private Behavior<Command> drive() {
    while (node.hasReady()) {
      Ready rd = node.ready();
      if (rd.sendBeforePersist()) send(rd.messages());
      if (rd.mustSync()) {
        long start = System.nanoTime();
        wal.save(rd.hardState(), rd.entries(), rd.snapshot(), true);
        walFsync.observeNanos(System.nanoTime() - start);
        persisted(rd);
      } else if (rd.hardState() != null) {
        // Only the commit index moved: etcd writes that without waiting for the disk.
        wal.save(rd.hardState(), List.of(), null, false);
        storage.setHardState(rd.hardState());
      }
      finish(rd);
    }
    return this;
  }

  /** Mirrors what the WAL now holds into the in-memory log. */
  private void persisted(Ready rd) {
    if (rd.snapshot() != null) {
      Snapshot s = rd.snapshot();
      store.tell(new StoreActor.Restore(s.data()));
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

  private void finish(Ready rd) {
    if (!rd.sendBeforePersist()) send(rd.messages());
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
    if (rd.softState() != null) {
      onLeaderChange(rd.softState().leaderId(), rd.softState().role());
    }
    node.advance(rd);
    if (rd.snapshot() != null
        || committed.stream().anyMatch(e -> e.type() == LogEntry.EntryType.CONF_CHANGE)) {
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
      leaderId = newLeader;
    }
    if (transfer != null && newLeader == transfer.targetId()) {
      transfer.replyTo().tell(true);
      transfer = null;
    }
  }

  /** A snapshot travels with the store's current content, which covers at least the snapshot's index. */
  private void sendSnapshot(InstallSnapshotRequest request) {
    getContext().ask(StoreActor.Dumped.class, store, Duration.ofSeconds(60), StoreActor.Dump::new,
        (dumped, failure) -> dumped != null
            ? new SnapshotDataReady(request, dumped.data())
            : new SnapshotDataReady(request, null));
  }

  private Behavior<Command> onSnapshotDataReady(SnapshotDataReady ready) {
    InstallSnapshotRequest r = ready.request();
    if (ready.data() == null) {
      node.reportSnapshot(r.to(), false);
    } else {
      Snapshot s = r.snapshot();
      InstallSnapshotRequest withData = new InstallSnapshotRequest(r.from(), r.to(), r.term(),
          new Snapshot(s.index(), s.term(), s.configuration(), ready.data()));
      node.reportSnapshot(r.to(), peers.send(r.to(), RaftCodec.encode(withData)));
    }
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
      wal.compact(storage.snapshot());
      getContext().getLog().info("compacted raft log at index {}", index);
    }
    return this;
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    get.replyTo().tell(new RaftView(node.status(), appliedIndex));
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
