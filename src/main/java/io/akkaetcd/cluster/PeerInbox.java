package io.akkaetcd.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import io.akkaetcd.cluster.proto.PeerMessage;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Receives what other members send over remoting and hands on only what {@link PeerAuthentication}
 * accepts: a message from another cluster, an unknown or removed member is dropped before anything acts
 * on it. Snapshot chunks go to the snapshot receiver, their acknowledgements to the snapshot sender (so a
 * transfer never waits behind the Raft actor's fsync), everything else to the local Raft actor. The Raft
 * actor tells this inbox every configuration it adopts. Drops are logged at most once per sender and
 * reason every {@link #LOG_EVERY}.
 */
public final class PeerInbox {
  static final Duration LOG_EVERY = Duration.ofSeconds(10);

  private record DropKey(PeerAuthentication.Verdict verdict, long from, long clusterId) {}

  private static final class DropCount {
    long lastLoggedNanos;
    long suppressed;
  }

  private PeerInbox() {}

  public static Behavior<Object> create(ActorRef<RaftActor.Command> raft,
      ActorRef<SnapshotSender.Command> snapshotSender, ActorRef<SnapshotReceiver.Command> snapshotReceiver,
      PeerAuthentication auth, LongSupplier nanoClock) {
    return Behaviors.setup(ctx -> {
      raft.tell(new RaftActor.WatchConfiguration(ctx.getSelf().narrow()));
      Map<DropKey, DropCount> drops = new HashMap<>();
      return Behaviors.receive(Object.class)
          .onMessage(PeerMessage.class, m -> {
            PeerAuthentication.Verdict verdict = auth.check(m);
            if (verdict == PeerAuthentication.Verdict.ACCEPTED) {
              dispatch(m, raft, snapshotSender, snapshotReceiver);
            } else {
              logDrop(ctx, drops, nanoClock.getAsLong(), verdict, m, auth.clusterId());
            }
            return Behaviors.same();
          })
          .onMessage(RaftActor.ConfigurationChanged.class, c -> {
            auth.configurationChanged(c.configuration());
            return Behaviors.same();
          })
          .build();
    });
  }

  private static void dispatch(PeerMessage message, ActorRef<RaftActor.Command> raft,
      ActorRef<SnapshotSender.Command> snapshotSender, ActorRef<SnapshotReceiver.Command> snapshotReceiver) {
    switch (message.getBodyCase()) {
      case SNAPSHOT_CHUNK -> snapshotReceiver.tell(new SnapshotReceiver.ChunkReceived(message));
      case SNAPSHOT_ACK -> snapshotSender.tell(new SnapshotSender.AckReceived(message.getFrom(),
          message.getSnapshotAck()));
      default -> raft.tell(new RaftActor.FromPeer(message));
    }
  }

  private static void logDrop(ActorContext<Object> ctx, Map<DropKey, DropCount> drops, long now,
      PeerAuthentication.Verdict verdict, PeerMessage m, long localCluster) {
    if (drops.size() > 1024) {
      drops.clear(); // a flood of made-up sender IDs must not grow the table without bound
    }
    DropCount count = drops.computeIfAbsent(new DropKey(verdict, m.getFrom(), m.getClusterId()), k -> new DropCount());
    if (count.lastLoggedNanos != 0 && now - count.lastLoggedNanos < LOG_EVERY.toNanos()) {
      count.suppressed++;
      return;
    }
    ctx.getLog().warn("rejected peer message: reason={} remote-peer-id={} remote-cluster-id={} local-cluster-id={} "
            + "to={} body={} (dropped {} more like it since last logged)",
        verdict, Long.toHexString(m.getFrom()), Long.toHexString(m.getClusterId()), Long.toHexString(localCluster),
        Long.toHexString(m.getTo()), m.getBodyCase(), count.suppressed);
    count.lastLoggedNanos = now == 0 ? 1 : now;
    count.suppressed = 0;
  }
}
