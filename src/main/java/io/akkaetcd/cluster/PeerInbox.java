package io.akkaetcd.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import io.akkaetcd.cluster.proto.PeerMessage;

/**
 * Receives what other members send over remoting: snapshot chunks go to the snapshot receiver, their
 * acknowledgements to the snapshot sender (so a transfer never waits behind the Raft actor's fsync),
 * everything else to the local Raft actor.
 */
public final class PeerInbox {
  private PeerInbox() {}

  public static Behavior<PeerMessage> create(ActorRef<RaftActor.Command> raft,
      ActorRef<SnapshotSender.Command> snapshotSender, ActorRef<SnapshotReceiver.Command> snapshotReceiver) {
    return Behaviors.receiveMessage(message -> {
      switch (message.getBodyCase()) {
        case SNAPSHOT_CHUNK -> snapshotReceiver.tell(new SnapshotReceiver.ChunkReceived(message));
        case SNAPSHOT_ACK -> snapshotSender.tell(new SnapshotSender.AckReceived(message.getFrom(),
            message.getSnapshotAck()));
        default -> raft.tell(new RaftActor.FromPeer(message));
      }
      return Behaviors.same();
    });
  }
}
