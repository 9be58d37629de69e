package io.akkaetcd.cluster;

import akka.actor.ActorRef;
import akka.actor.ActorSelection;
import akka.actor.ActorSystem;
import akka.actor.Address;
import io.akkaetcd.cluster.proto.PeerMessage;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each member's peer inbox lives: {@code akka://etcd@<peer host>:<peer port>/user/peer-inbox},
 * from the member's first peer URL. Akka remoting (Artery TCP) carries the protobuf messages, each
 * stamped with this member's cluster ID so that the receiver can drop what another cluster sends.
 */
public final class PeerTransport implements PeerSender {
  public static final String SYSTEM_NAME = "etcd";
  public static final String INBOX_NAME = "peer-inbox";

  private final ActorSystem system;
  private final Map<Long, ActorSelection> peers = new ConcurrentHashMap<>();
  private final Map<Long, Address> addresses = new ConcurrentHashMap<>();
  private volatile long clusterId;

  public PeerTransport(ActorSystem system, long clusterId) {
    this.system = system;
    this.clusterId = clusterId;
  }

  /** The actor system address a peer URL maps to. */
  public static Address address(URI peerUrl) {
    return new Address("akka", SYSTEM_NAME, peerUrl.getHost(), peerUrl.getPort());
  }

  /** Learns (or updates) where member {@code id} listens. */
  public void addPeer(long id, List<URI> peerUrls) {
    Address address = address(peerUrls.get(0));
    addresses.put(id, address);
    peers.put(id, system.actorSelection(address + "/user/" + INBOX_NAME));
  }

  /** The member listening at an actor system address (host and port; the incarnation does not matter). */
  public Optional<Long> memberAt(Address address) {
    return addresses.entrySet().stream()
        .filter(e -> e.getValue().host().equals(address.host()) && e.getValue().port().equals(address.port()))
        .map(Map.Entry::getKey).findFirst();
  }

  public Optional<Address> addressOf(long id) {
    return Optional.ofNullable(addresses.get(id));
  }

  /** A member that joined an existing cluster learns the cluster's ID from its first accepted message. */
  public void adoptClusterId(long id) {
    if (clusterId == PeerAuthentication.UNKNOWN_CLUSTER) {
      clusterId = id;
    }
  }

  /** Sends if the member is known; Raft tolerates a lost message. */
  @Override
  public boolean send(long to, PeerMessage message) {
    ActorSelection peer = peers.get(to);
    if (peer == null) {
      return false;
    }
    peer.tell(message.getClusterId() == clusterId ? message : message.toBuilder().setClusterId(clusterId).build(),
        ActorRef.noSender());
    return true;
  }
}
