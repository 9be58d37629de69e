package io.akkaetcd.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import io.akkaetcd.cluster.proto.PeerMessage;

/** Receives what other members send over remoting and hands it to the local Raft actor. */
public final class PeerInbox {
  private PeerInbox() {}

  public static Behavior<PeerMessage> create(ActorRef<RaftActor.Command> raft) {
    return Behaviors.receiveMessage(message -> {
      raft.tell(new RaftActor.FromPeer(message));
      return Behaviors.same();
    });
  }
}
