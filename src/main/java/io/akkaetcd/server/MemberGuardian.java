package io.akkaetcd.server;

import io.akkaetcd.auth.AuthInfo;
import io.akkaetcd.auth.AuthView;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.ChildFailed;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import io.akkaetcd.cluster.ClusterMembership;
import io.akkaetcd.cluster.PeerAuthentication;
import io.akkaetcd.cluster.PeerInbox;
import io.akkaetcd.metrics.PeerMetrics;
import io.akkaetcd.cluster.PeerTransport;
import io.akkaetcd.cluster.SnapshotReceiver;
import io.akkaetcd.cluster.SnapshotSender;
import io.akkaetcd.cluster.SnapshotTransferSettings;
import io.akkaetcd.cluster.RaftActor;
import io.akkaetcd.metrics.Histogram;
import io.akkaetcd.raft.Configuration;
import io.akkaetcd.server.lease.LeaseExpiryActor;
import io.akkaetcd.server.watch.WatchContext;
import io.akkaetcd.server.watch.WatchHub;
import io.akkaetcd.server.watch.WatchSettings;
import io.akkaetcd.server.watch.WatchStreams;
import io.akkaetcd.store.MemberDirectory;
import io.akkaetcd.store.PendingRequests;
import io.akkaetcd.store.StoreActor;
import io.akkaetcd.store.StoreState;
import io.akkaetcd.store.WatchFeed;
import io.akkaetcd.wal.WalActor;
import io.akkaetcd.wal.WalMetrics;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A member's user guardian: it spawns the member's actors, hands each the refs it needs, and
 * watches them.
 *
 * <pre>
 *   guardian
 *   ├── watch-hub        fed by the store      ┐
 *   ├── store            owns the MVCC store   ├ essential: a failure fail-stops the member
 *   ├── wal              journals the log      │  (a classic persistent actor: Akka Persistence)
 *   ├── raft             Ready loop            ┘
 *   ├── peer-inbox       remoting → raft        restarted on failure
 *   ├── lease-expiry     the leader's reaper    restarted on failure
 *   └── watch-streams    one child per Watch call; a failed stream ends its client's stream
 * </pre>
 *
 * The store, the WAL actor, the Raft actor and the hub hold what the member's answers rest on: if one
 * throws (an I/O error from LevelDB, an undecodable entry) or stops (the WAL actor stops on a failed or
 * rejected journal write, as Akka Persistence has it), the guardian calls
 * {@link FailStop} rather than keep answering as a zombie, as etcd exits on a WAL or apply error. An
 * entry the WAL could not write was never sent or applied, so nothing that is not durable is
 * answered. The services outside the actor system get the refs in {@link Started}.
 *
 * <p>A member that applies its own removal through Raft stops, as etcd's does: {@link #STOP_AFTER_REMOVAL}
 * later the guardian runs {@link Parts#removedFromCluster()} (the process logs etcd's lines and exits 0).
 */
public final class MemberGuardian {
  public sealed interface Command {}

  /** Answered with {@link Started} once every child runs. */
  public record GetStarted(ActorRef<Started> replyTo) implements Command {}

  /** The refs the services use. */
  public record Started(ActorRef<RaftActor.Command> raft, ActorRef<StoreActor.Command> store,
      ActorRef<WatchFeed> watchHub, ActorRef<WatchStreams.Command> watchStreams, StoreClient storeClient) {}

  /** What the member's actors are built from; opened (files, logs) before the actor system starts. */
  public record Parts(StoreState storeState, PendingRequests pending, RaftActor.Start raftStart, Path legacyWal,
      long memberId, Map<Long, List<URI>> initialPeers, MemberDirectory directory,
      Duration heartbeatInterval, long snapshotCount, int electionTimeoutMs, Histogram walFsync,
      WatchSettings watchSettings, Duration requestTimeout, Duration leaseExpiryInterval, FailStop failStop,
      java.nio.file.Path storeDir, SnapshotTransferSettings snapshotTransfer,
      long wireClusterId, java.util.Set<Long> initialMembers, PeerMetrics peerMetrics,
      io.akkaetcd.server.watch.WatchGauges watchGauges, Runnable removedFromCluster) {}

  /** etcd's stopWithDelay after applying its own removal: time for a removed leader's last commit to go out. */
  static final Duration STOP_AFTER_REMOVAL = Duration.ofSeconds(1);

  /** The Raft configuration this member applied (from the Raft actor's {@code WatchConfiguration}). */
  private record RaftConfigurationApplied(Configuration configuration) implements Command {}

  private enum StopRemovedMember implements Command { INSTANCE }

  private MemberGuardian() {}

  public static Behavior<Command> create(Parts parts) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ActorRef<WatchFeed> hub = ctx.spawn(WatchHub.create(parts.watchGauges()), "watch-hub");
      ActorRef<StoreActor.Command> store = ctx.spawn(StoreActor.create(parts.storeState(), parts.pending(), hub),
          "store", DispatcherSelector.blocking());
      PeerTransport peers = new PeerTransport(ctx.getSystem().classicSystem(), parts.wireClusterId());
      parts.initialPeers().forEach(peers::addPeer);
      // Members added later become reachable once their URLs are applied through Raft.
      parts.directory().onMember(m -> {
        if (m.getID() != parts.memberId() && m.getPeerURLsCount() > 0) {
          peers.addPeer(m.getID(), m.getPeerURLsList().stream().map(URI::create).toList());
        }
      });
      ActorRef<SnapshotSender.Command> snapshotSender = ctx.spawn(SnapshotSender.create(store, peers,
          parts.snapshotTransfer()), "snapshot-sender", DispatcherSelector.blocking());
      // The journal Akka creates for the WAL actor finds the member's fsync series here.
      WalMetrics.get(ctx.getSystem().classicSystem()).observeFsyncWith(parts.walFsync());
      akka.actor.ActorRef wal = Adapter.actorOf(ctx,
          WalActor.props(parts.legacyWal()).withDispatcher("akka-etcd-wal-dispatcher"), "wal");
      ActorRef<RaftActor.Command> raft = ctx.spawn(RaftActor.create(parts.raftStart(), wal,
              store, snapshotSender, peers, parts.pending(), parts.heartbeatInterval(), parts.snapshotCount(),
              parts.electionTimeoutMs()),
          "raft", DispatcherSelector.fromConfig("akka-etcd-raft-dispatcher"));
      ActorRef<SnapshotReceiver.Command> snapshotReceiver = ctx.spawn(SnapshotReceiver.create(parts.storeDir(),
          store, raft, peers, parts.snapshotTransfer().installTimeout()), "snapshot-receiver",
          DispatcherSelector.blocking());
      PeerAuthentication auth = new PeerAuthentication(parts.memberId(), parts.wireClusterId(), parts.initialMembers());
      ctx.spawn(Behaviors.supervise(PeerInbox.create(raft, snapshotSender, snapshotReceiver, auth, System::nanoTime))
          .onFailure(SupervisorStrategy.restart()), PeerTransport.INBOX_NAME);
      // A member's system runs the cluster provider (ClusterMembership.settings); an actor test's may not.
      if ("cluster".equals(ctx.getSystem().settings().config().getString("akka.actor.provider"))) {
        ctx.spawn(Behaviors.supervise(ClusterMembership.create(peers, raft, parts.peerMetrics()))
            .onFailure(SupervisorStrategy.restart()), "cluster-membership");
      }
      StoreClient storeClient = new StoreClient(raft, store, parts.pending(), ctx.getSystem().scheduler(),
          parts.requestTimeout());
      // Only the leader lets leases expire; its revokes go through the log like any write.
      ctx.spawn(Behaviors.supervise(LeaseExpiryActor.create(raft, store, storeClient, parts.leaseExpiryInterval(),
          // With auth on, the leader revokes expired leases as root, as etcd's lessor does.
          () -> new AuthInfo(AuthView.ROOT, parts.storeState().applier().auth().view().revision())))
          .onFailure(SupervisorStrategy.restart()), "lease-expiry");
      ActorRef<WatchStreams.Command> streams =
          ctx.spawn(WatchStreams.create(new WatchContext(hub, parts.watchSettings(), parts.watchGauges())), "watch-streams");
      Map<ActorRef<Void>, String> essential = Map.of(
          store.unsafeUpcast(), "the store actor (MVCC apply and backend)",
          Adapter.toTyped(wal).unsafeUpcast(), "the WAL actor (journal)",
          raft.unsafeUpcast(), "the Raft actor",
          hub.unsafeUpcast(), "the watch hub");
      essential.keySet().forEach(ctx::watch);
      ctx.watch(streams);
      Started started = new Started(raft, store, hub, streams, storeClient);
      raft.tell(new RaftActor.WatchConfiguration(ctx.messageAdapter(RaftActor.ConfigurationChanged.class,
          c -> new RaftConfigurationApplied(c.configuration()))));
      boolean[] member = {false};
      return Behaviors.receive(Command.class)
          .onMessage(GetStarted.class, get -> {
            get.replyTo().tell(started);
            return Behaviors.same();
          })
          .onMessage(RaftConfigurationApplied.class, applied -> {
            // As etcd's applyConfChange: a member that applies its own removal stops (a joining member, not yet
            // in the configuration it starts from, was never in it).
            boolean now = applied.configuration().contains(parts.memberId());
            if (member[0] && !now && !timers.isTimerActive(StopRemovedMember.INSTANCE)) {
              ctx.getLog().info("applied this member's removal from the Raft configuration; stopping in {} ms",
                  STOP_AFTER_REMOVAL.toMillis());
              timers.startSingleTimer(StopRemovedMember.INSTANCE, STOP_AFTER_REMOVAL);
            }
            member[0] = now;
            return Behaviors.same();
          })
          .onMessageEquals(StopRemovedMember.INSTANCE, () -> {
            parts.removedFromCluster().run();
            return Behaviors.same();
          })
          .onSignal(ChildFailed.class, failed -> onChildStopped(ctx, parts.failStop(), essential, failed,
              failed.getCause()))
          .onSignal(Terminated.class, stopped -> onChildStopped(ctx, parts.failStop(), essential, stopped,
              new IllegalStateException(stopped.getRef().path().name() + " stopped")))
          .build();
    }));
  }

  private static Behavior<Command> onChildStopped(ActorContext<Command> ctx, FailStop failStop,
      Map<ActorRef<Void>, String> essential, Terminated signal, Throwable cause) {
    String what = essential.get(signal.getRef().unsafeUpcast());
    if (what == null) {
      ctx.getLog().error("{} stopped; watch streams are no longer served", signal.getRef().path().name(), cause);
      return Behaviors.same();
    }
    failStop.failStop(what, cause);
    return Behaviors.stopped();
  }
}
