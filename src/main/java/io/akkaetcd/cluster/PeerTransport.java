package io.akkaetcd.cluster;

import akka.actor.ActorRef;
import akka.actor.ActorSelection;
import akka.actor.ActorSystem;
import io.akkaetcd.cluster.proto.PeerMessage;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each member's peer inbox lives: {@code akka://etcd@<peer host>:<peer port>/user/peer-inbox},
 * from the member's first peer URL. Akka remoting (Artery TCP) carries the protobuf messages.
 */
public final class PeerTransport implements PeerSender {
  public static final String SYSTEM_NAME = "etcd";
  public static final String INBOX_NAME = "peer-inbox";

  private final ActorSystem system;
  private final Map<Long, ActorSelection> peers = new ConcurrentHashMap<>();

  public PeerTransport(ActorSystem system) {
    this.system = system;
  }

  /** Learns (or updates) where member {@code id} listens. */
  public void addPeer(long id, List<URI> peerUrls) {
    URI url = peerUrls.get(0);
    peers.put(id, system.actorSelection(
        "akka://" + SYSTEM_NAME + "@" + url.getHost() + ":" + url.getPort() + "/user/" + INBOX_NAME));
  }

  /** Sends if the member is known; Raft tolerates a lost message. */
  @Override
  public boolean send(long to, PeerMessage message) {
    ActorSelection peer = peers.get(to);
    if (peer == null) {
      return false;
    }
    peer.tell(message, ActorRef.noSender());
    return true;
  }
}
