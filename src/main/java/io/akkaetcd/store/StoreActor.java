package io.akkaetcd.store;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.pattern.StatusReply;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.errors.EtcdException;
import io.akkaetcd.api.Event;
import io.akkaetcd.mvcc.Backend;
import io.akkaetcd.storage.SnapshotStaging;
import java.nio.file.Path;
import io.akkaetcd.api.HashKVResponse;
import io.akkaetcd.api.LeaseKeepAliveResponse;
import io.akkaetcd.api.LeaseLeasesResponse;
import io.akkaetcd.api.LeaseTimeToLiveRequest;
import io.akkaetcd.api.LeaseTimeToLiveResponse;
import io.akkaetcd.mvcc.KvHash;
import io.akkaetcd.mvcc.MvccStore;
import io.akkaetcd.watch.KeyRange;
import io.akkaetcd.raft.ConfChange;
import io.akkaetcd.raft.LogEntry;
import io.akkaetcd.raft.ReadState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import akka.actor.typed.DispatcherSelector;

/**
 * Owns the MVCC store and applies the committed Raft log to it, entry by entry, in index order.
 *
 * <p>Exactly once across restarts: each entry's index is written to the backend in the same batch as
 * its changes (the consistent index), and entries at or below it are skipped when Raft re-delivers them.
 * The backend write need not be synced: the entry is already durable in a quorum's WAL, and a crash that
 * loses the backend's tail only lowers the consistent index, so those entries are applied again.
 *
 * <p>Requests this member proposed are answered as their entry is applied; linearizable reads once
 * their read index has been applied.
 *
 * <p>Watch events: each applied batch's events go to the watch hub ({@link WatchFeed.Committed}) in
 * revision order right after the batch; the entries are already durable in a quorum's WAL. A
 * {@link ReadHistory} reads only revisions already published that way and answers the same hub, so
 * the hub sees history and live events meet without a gap (see {@link WatchFeed}).
 */
public final class StoreActor extends AbstractBehavior<StoreActor.Command> {

  public sealed interface Command {}

  /** A serializable read against the local store, answered at once. */
  public record Read(RangeRequest request, ActorRef<StatusReply<Message>> replyTo) implements Command {}

  /** Committed entries to apply, then the linearizable reads they make servable. */
  public record ApplyCommitted(List<LogEntry> entries, List<ReadState> readStates, long raftTerm)
      implements Command {}

  /**
   * A keep-alive: the leader's lessor renews the lease (a follower's answers with the TTL it knows,
   * the Raft actor passes the renew to the leader). Served without the log, as etcd does.
   */
  public record RenewLease(long leaseId, ActorRef<StatusReply<LeaseKeepAliveResponse>> replyTo)
      implements Command {}

  public record LeaseTimeToLive(LeaseTimeToLiveRequest request,
      ActorRef<StatusReply<LeaseTimeToLiveResponse>> replyTo) implements Command {}

  public record ListLeases(ActorRef<StatusReply<LeaseLeasesResponse>> replyTo) implements Command {}

  /** A fresh lease id for a grant that asked for none, picked before the grant is proposed. */
  public record NewLeaseId(ActorRef<StatusReply<Long>> replyTo) implements Command {}

  /** Up to {@code limit} leases past their expiry, for the leader's reaper to revoke through the log. */
  public record ExpiredLeases(int limit, ActorRef<ExpiredLeasesFound> replyTo) implements Command {}

  public record ExpiredLeasesFound(List<Long> leaseIds) {}

  /** etcd's HashKV at {@code revision} (0: the current one). */
  public record HashKv(long revision, ActorRef<StatusReply<HashKVResponse>> replyTo) implements Command {}

  /** Maintenance.Hash: the store's buckets hashed as etcd hashes its bolt file. */
  public record Hash(ActorRef<StatusReply<io.akkaetcd.api.HashResponse>> replyTo) implements Command {}

  /**
   * Read the events of revisions from {@code fromRevision} on, at most {@code maxRevisions} of them and
   * none beyond the last published revision, for keys in any of {@code ranges}; the answer is a
   * {@link WatchFeed.HistoryRead} carrying {@code tag}, or one with the compact revision set when
   * {@code fromRevision} is below it.
   */
  public record ReadHistory(long fromRevision, int maxRevisions, List<KeyRange> ranges,
      boolean prevKv, long tag, ActorRef<WatchFeed> replyTo) implements Command {
    public ReadHistory {
      ranges = List.copyOf(ranges);
    }
  }

  /**
   * From the watch hub: whether any watcher wants prev_kv. Without one, a put's event leaves it out
   * (no read of the previous value); the hub catches up, from history, a watcher that registers with
   * prev_kv while events without it are still on their way.
   */
  public record WatchersWantPrevKv(boolean wanted) implements Command {}

  /** This member became (or stopped being) the leader: only a leader's lessor lets leases expire. */
  public record LeadershipChanged(boolean leader, long extendMillis) implements Command {}

  /** Report revision and backend size. */
  public record Describe(ActorRef<StoreStatus> replyTo) implements Command {}

  /** etcd's defragment: make everything applied durable, and bring the reported size down to what is in use. */
  public record Defragment(ActorRef<StoreStatus> replyTo) implements Command {}

  private record Defragmented(ActorRef<StoreStatus> replyTo, Throwable failure) implements Command {}

  /** Make everything applied durable in the backend, and say up to which index that is. */
  public record Checkpoint(ActorRef<Checkpointed> replyTo) implements Command {}

  public record Checkpointed(long appliedIndex) {}

  /**
   * Open a point-in-time view of everything applied, for streaming a snapshot to a follower; the
   * receiver of the answer must close the view.
   */
  public record OpenPointInTime(ActorRef<PointInTimeOpened> replyTo) implements Command {}

  public record PointInTimeOpened(Backend.PointInTime view, long consistentIndex) {}

  /** Write the store as etcd's bolt snapshot to {@code file}; the answer is the file's sha256. */
  public record SaveSnapshot(java.nio.file.Path file, ActorRef<StatusReply<SnapshotSaved>> replyTo)
      implements Command {}

  public record SnapshotSaved(byte[] sha256) {}

  /**
   * Replace the whole store with the complete staged snapshot at {@code staged}, whose consistent index
   * is {@code consistentIndex}, unless the store already holds as much (then the staged copy is dropped).
   */
  public record InstallSnapshot(Path staged, long consistentIndex, ActorRef<SnapshotInstalled> replyTo)
      implements Command {}

  /** The store now holds at least {@code consistentIndex}; {@code replaced} if the staged copy was swapped in. */
  public record SnapshotInstalled(long consistentIndex, boolean replaced) {}

  private final StoreState state;
  private final PendingRequests pending;
  /** Null: nobody watches. */
  private final ActorRef<WatchFeed> watchFeed;
  /** Events of applied revisions not yet handed to the hub, oldest first. */
  private final List<List<Event>> unpublished = new ArrayList<>();
  /** The newest revision whose events the hub has been sent. */
  private long publishedRevision;
  /** The hub's last word on prev_kv (none wanted until it says so); kept across a restore. */
  private boolean watchersWantPrevKv;
  /** While the cluster id is not known: the founding voters seen in the log's term-1 entries. */
  private final List<Long> foundingVoters = new ArrayList<>();
  /** An apply failed midway: what is pending in the backend batch must never be written. */
  private boolean broken;

  public static Behavior<Command> create(StoreState state, PendingRequests pending) {
    return create(state, pending, null);
  }

  public static Behavior<Command> create(StoreState state, PendingRequests pending, ActorRef<WatchFeed> watchFeed) {
    return Behaviors.setup(ctx -> new StoreActor(ctx, state, pending, watchFeed));
  }

  private StoreActor(ActorContext<Command> context, StoreState state, PendingRequests pending,
      ActorRef<WatchFeed> watchFeed) {
    super(context);
    this.state = state;
    this.pending = pending;
    this.watchFeed = watchFeed;
    listen();
  }

  /** (Re)attach to the current MVCC store's events; after a restore the store is a new one. */
  private void listen() {
    publishedRevision = state.applier().mvcc().currentRevision();
    state.applier().mvcc().setEventsCarryPrevKv(watchersWantPrevKv);
    if (watchFeed != null) {
      state.applier().mvcc().onEvents(unpublished::add);
      watchFeed.tell(new WatchFeed.Attached(getContext().getSelf(), publishedRevision, state.applier().header(0)));
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Read.class, this::onRead)
        .onMessage(ApplyCommitted.class, this::onApplyCommitted)
        .onMessage(Describe.class, this::onDescribe)
        .onMessage(Defragment.class, this::onDefragment)
        .onMessage(Defragmented.class, this::onDefragmented)
        .onMessage(Checkpoint.class, this::onCheckpoint)
        .onMessage(SaveSnapshot.class, this::onSaveSnapshot)
        .onMessage(OpenPointInTime.class, this::onOpenPointInTime)
        .onMessage(InstallSnapshot.class, this::onInstallSnapshot)
        .onMessage(RenewLease.class, this::onRenewLease)
        .onMessage(LeaseTimeToLive.class, this::onLeaseTimeToLive)
        .onMessage(ListLeases.class, this::onListLeases)
        .onMessage(NewLeaseId.class, this::onNewLeaseId)
        .onMessage(ExpiredLeases.class, this::onExpiredLeases)
        .onMessage(HashKv.class, this::onHashKv)
        .onMessage(Hash.class, this::onHash)
        .onMessage(ReadHistory.class, this::onReadHistory)
        .onMessage(WatchersWantPrevKv.class, w -> {
          watchersWantPrevKv = w.wanted();
          state.applier().mvcc().setEventsCarryPrevKv(w.wanted());
          return this;
        })
        .onMessage(LeadershipChanged.class, this::onLeadershipChanged)
        .onSignal(PostStop.class, signal -> onStop())
        .build();
  }

  private Behavior<Command> onRead(Read command) {
    try {
      command.replyTo().tell(StatusReply.success(state.applier().read(command.request())));
    } catch (EtcdException e) {
      command.replyTo().tell(StatusReply.error(e));
    }
    return this;
  }

  private Behavior<Command> onApplyCommitted(ApplyCommitted command) {
    try {
      return applyCommitted(command);
    } catch (RuntimeException | Error e) {
      broken = true;
      throw e; // the guardian fail-stops the member
    }
  }

  private Behavior<Command> applyCommitted(ApplyCommitted command) {
    Applier applier = state.applier();
    if (applier.setRaftTerm(command.raftTerm()) && watchFeed != null) {
      watchFeed.tell(new WatchFeed.HeaderChanged(applier.header(0)));
    }
    List<Answer> answers = new ArrayList<>();
    for (LogEntry entry : command.entries()) {
      if (state.clusterId() == 0) {
        learnClusterId(entry);
      }
      if (entry.index() <= applier.mvcc().consistentIndex()) {
        continue;
      }
      if (entry.type() == LogEntry.EntryType.NORMAL && entry.data().length > 0) {
        applyRequest(applier, entry, answers);
      }
      applier.mvcc().setConsistentIndex(entry.index());
    }
    // Answers go out only once the batch (with its consistent index) is in the backend: a member
    // whose backend refuses the write fail-stops without having answered.
    applier.mvcc().commit(false);
    answers.forEach(Answer::send);
    state.refreshSize();
    pending.applied(applier.mvcc().consistentIndex());
    publish();
    for (ReadState read : command.readStates()) {
      PendingRequests.Read waiting = pending.read(read.requestId());
      if (waiting != null) {
        complete(waiting.future(), () -> applier.read(waiting.request()));
      }
    }
    return this;
  }

  /**
   * A member that joined an existing cluster learns the cluster's id from the log: its term-1 entries
   * are the founding membership (one ADD_VOTER each), the id is computed from them as the founders
   * did, at the first entry after them.
   */
  private void learnClusterId(LogEntry entry) {
    if (entry.term() == 1) {
      if (entry.type() == LogEntry.EntryType.CONF_CHANGE) {
        ConfChange change = ConfChange.decode(entry.data());
        if (change.type() == ConfChange.Type.ADD_VOTER) {
          foundingVoters.add(change.nodeId());
        }
      }
    } else if (!foundingVoters.isEmpty()) {
      state.learnClusterId(MemberIdentity.clusterIdOf(foundingVoters));
      getContext().getLog().info("learned cluster id {} from the log", Long.toHexString(state.clusterId()));
      foundingVoters.clear();
      if (watchFeed != null) {
        watchFeed.tell(new WatchFeed.HeaderChanged(state.applier().header(0)));
      }
    }
  }

  /** The answer to a request this member proposed, sent after its batch is written. */
  private record Answer(CompletableFuture<Message> waiting, Message response, EtcdException failure) {
    void send() {
      if (failure != null) {
        waiting.completeExceptionally(failure);
      } else {
        waiting.complete(response);
      }
    }
  }

  private void applyRequest(Applier applier, LogEntry entry, List<Answer> answers) {
    InternalRaftRequest request;
    try {
      request = InternalRaftRequest.parseFrom(entry.data());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("undecodable entry at index " + entry.index(), e);
    }
    CompletableFuture<Message> waiting = pending.write(request.getHeader().getID());
    try {
      Message response = applier.apply(request, entry.index());
      if (waiting != null) {
        answers.add(new Answer(waiting, response, null));
      }
    } catch (EtcdException e) {
      if (waiting != null) {
        answers.add(new Answer(waiting, null, e));
      }
    }
  }

  /** Hands the events of what was just applied to the hub, in revision order. */
  private void publish() {
    if (watchFeed == null || unpublished.isEmpty()) {
      return;
    }
    publishedRevision = state.applier().mvcc().currentRevision();
    watchFeed.tell(new WatchFeed.Committed(publishedRevision, List.copyOf(unpublished)));
    unpublished.clear();
  }

  private Behavior<Command> onRenewLease(RenewLease command) {
    Applier applier = state.applier();
    reply(command.replyTo(), () -> applier.leases().renew(command.leaseId()).toBuilder()
        .setHeader(applier.header(applier.mvcc().currentRevision())).build());
    return this;
  }

  private Behavior<Command> onLeaseTimeToLive(LeaseTimeToLive command) {
    Applier applier = state.applier();
    reply(command.replyTo(), () -> applier.leases().timeToLive(command.request()).toBuilder()
        .setHeader(applier.header(applier.mvcc().currentRevision())).build());
    return this;
  }

  private Behavior<Command> onListLeases(ListLeases command) {
    Applier applier = state.applier();
    reply(command.replyTo(), () -> applier.leases().leases().toBuilder()
        .setHeader(applier.header(applier.mvcc().currentRevision())).build());
    return this;
  }

  private Behavior<Command> onNewLeaseId(NewLeaseId command) {
    reply(command.replyTo(), () -> state.applier().leases().lessor().newLeaseId());
    return this;
  }

  private Behavior<Command> onExpiredLeases(ExpiredLeases command) {
    Applier applier = state.applier();
    command.replyTo().tell(new ExpiredLeasesFound(
        applier.hasLeases() ? List.copyOf(applier.leases().expired(command.limit())) : List.of()));
    return this;
  }

  private Behavior<Command> onHashKv(HashKv command) {
    Applier applier = state.applier();
    reply(command.replyTo(), () -> {
      long start = System.nanoTime();
      KvHash.Result h = applier.mvcc().hashKv(command.revision());
      applier.mvcc().counters().durations().hashByRev(System.nanoTime() - start);
      return HashKVResponse.newBuilder().setHeader(applier.header(h.currentRevision()))
          .setHash(h.hash()).setCompactRevision(h.compactRevision()).build();
    });
    return this;
  }

  private Behavior<Command> onHash(Hash command) {
    reply(command.replyTo(), () -> io.akkaetcd.api.HashResponse.newBuilder()
        .setHeader(state.applier().header(state.applier().mvcc().currentRevision()))
        .setHash(state.hashBuckets()).build());
    return this;
  }

  /** Answers with what {@code work} returns, or with etcd's error it throws. */
  private static <T> void reply(ActorRef<StatusReply<T>> replyTo, java.util.function.Supplier<T> work) {
    try {
      replyTo.tell(StatusReply.success(work.get()));
    } catch (EtcdException e) {
      replyTo.tell(StatusReply.error(e));
    }
  }

  private Behavior<Command> onReadHistory(ReadHistory command) {
    MvccStore mvcc = state.applier().mvcc();
    long compacted = mvcc.compactRevision();
    if (command.fromRevision() < compacted) {
      command.replyTo().tell(new WatchFeed.HistoryRead(command.tag(), publishedRevision, List.of(), compacted));
      return this;
    }
    long to = Math.min(publishedRevision, command.fromRevision() + command.maxRevisions() - 1);
    List<KeyRange> ranges = command.ranges();
    List<Event> events = mvcc.eventsBetween(command.fromRevision(), to,
        key -> ranges.stream().anyMatch(r -> r.contains(key)), command.prevKv());
    command.replyTo().tell(new WatchFeed.HistoryRead(command.tag(), Math.max(to, command.fromRevision() - 1),
        events, 0));
    return this;
  }

  private Behavior<Command> onLeadershipChanged(LeadershipChanged change) {
    Applier applier = state.applier();
    if (applier.hasLeases()) {
      if (change.leader()) {
        applier.leases().lessor().promote(applier.leases().nowMillis(), change.extendMillis());
      } else {
        applier.leases().lessor().demote();
      }
    }
    return this;
  }

  private static void complete(CompletableFuture<Message> future, java.util.function.Supplier<Message> work) {
    try {
      future.complete(work.get());
    } catch (EtcdException e) {
      future.completeExceptionally(e);
    }
  }

  private Behavior<Command> onDescribe(Describe command) {
    command.replyTo().tell(status());
    return this;
  }

  /**
   * etcd answers a defragment once it is done; here the backend's compaction runs on the blocking
   * dispatcher while this actor goes on applying and answering (etcd's defrag holds its backend's lock
   * throughout, etcd-io/etcd#9222), and the answer goes out when it ends.
   */
  private Behavior<Command> onDefragment(Defragment command) {
    state.applier().mvcc().commit(true);
    getContext().pipeToSelf(CompletableFuture.runAsync(state::compactBackend,
            getContext().getSystem().dispatchers().lookup(DispatcherSelector.blocking())),
        (ok, failure) -> new Defragmented(command.replyTo(), failure));
    return this;
  }

  private Behavior<Command> onDefragmented(Defragmented done) {
    if (done.failure() != null) {
      // A failed LevelDB compaction is an I/O error: fail-stop, as on any backend write error.
      throw new IllegalStateException("defragment: the backend's compaction failed", done.failure());
    }
    state.defragment();
    done.replyTo().tell(status());
    return this;
  }

  private StoreStatus status() {
    Applier applier = state.applier();
    return new StoreStatus(applier.mvcc().currentRevision(), applier.mvcc().compactRevision(),
        state.dbSizeBytes(), state.dbSizeInUseBytes(), applier.mvcc().consistentIndex());
  }

  private Behavior<Command> onCheckpoint(Checkpoint command) {
    state.applier().mvcc().commit(true);
    command.replyTo().tell(new Checkpointed(state.applier().mvcc().consistentIndex()));
    return this;
  }

  private Behavior<Command> onSaveSnapshot(SaveSnapshot command) {
    try {
      command.replyTo().tell(StatusReply.success(new SnapshotSaved(state.writeBoltSnapshot(command.file()))));
    } catch (RuntimeException e) {
      getContext().getLog().warn("cannot write a snapshot to {}", command.file(), e);
      command.replyTo().tell(StatusReply.error(e));
    }
    return this;
  }

  private Behavior<Command> onOpenPointInTime(OpenPointInTime command) {
    Backend.PointInTime view = state.openPointInTime();
    command.replyTo().tell(new PointInTimeOpened(view, state.applier().mvcc().consistentIndex()));
    return this;
  }

  /**
   * The consistent index only moves forward: a staged store at or behind it (a transfer that finished
   * after this member caught up otherwise) would undo applied entries, so it is dropped.
   */
  private Behavior<Command> onInstallSnapshot(InstallSnapshot command) {
    long current = state.applier().mvcc().consistentIndex();
    if (command.consistentIndex() <= current) {
      SnapshotStaging.discard(command.staged());
      command.replyTo().tell(new SnapshotInstalled(current, false));
      return this;
    }
    state.install(command.staged());
    listen();
    getContext().getLog().info("restored the store from a leader's snapshot: applied index {}, revision {}",
        state.applier().mvcc().consistentIndex(), state.applier().mvcc().currentRevision());
    command.replyTo().tell(new SnapshotInstalled(state.applier().mvcc().consistentIndex(), true));
    return this;
  }

  private Behavior<Command> onStop() {
    if (!broken) {
      state.applier().mvcc().commit(true);
    }
    return this;
  }
}
