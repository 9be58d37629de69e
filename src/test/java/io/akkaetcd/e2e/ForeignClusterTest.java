package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.ActorSelection;
import akka.actor.ActorSystem;
import com.google.protobuf.ByteString;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.RequestHeader;
import io.akkaetcd.cluster.proto.PeerMessage;
import io.akkaetcd.cluster.proto.VoteRequestProto;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Nodes of another cluster that reach this cluster's peer ports get nowhere:
 * <ul>
 *   <li>a member of another cluster whose --initial-cluster names one of our peer URLs is refused by
 *       the Akka Cluster join check on both sides and stops (etcd fails such a member loudly too); once
 *       with another --initial-cluster-token, once with the same (default) token, where only the cluster
 *       ID tells the two clusters apart. Whatever Raft messages it sends before Akka stops it are judged
 *       by the peer inbox like any other (whether it gets to send any is a race with the refusal);</li>
 *   <li>a sender that never asks to join and talks straight to the peer inbox over remoting (here an
 *       actor system in the test JVM) has its forged proposals and votes dropped by the message-level
 *       check: another cluster ID, or a sender that is not a member;</li>
 * </ul>
 * and this cluster's members, data and term stay as they were.
 */
class ForeignClusterTest {
  private static final long FORGED_CLUSTER = 0xf0e1d2c3L;
  private static final long NOT_A_MEMBER = 0xbadbadL;

  @Test
  void nodesOfAnotherClusterPointedAtOurPeerPortsAreRefused() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster(3)) {
      cluster.start();
      ProcessMember target = cluster.members.get(2);
      String ep = cluster.members.get(0).endpoint();
      for (int i = 0; i < 5; i++) {
        assertEquals(0, Etcdctl.run(ep, null, "put", "ours/" + i, "v" + i).exitCode());
      }
      String membersBefore = Etcdctl.run(ep, null, "member", "list").stdout();
      String dataBefore = Etcdctl.run(ep, null, "get", "", "--from-key").stdout();

      // Another token: the intruder's idea of the target's member ID is not the target's.
      intrude(cluster, target, "intruder1", "--initial-cluster-token", "another-cluster");
      assertTrue(target.output().contains("refusing to form an Akka Cluster with a node of another etcd cluster: "
          + "its initial-cluster-token another-cluster"), target.output());
      // The same token: same member ID for the target's URL, another cluster ID.
      intrude(cluster, target, "intruder2");
      assertTrue(target.output().contains("refusing to form an Akka Cluster with a node of another etcd cluster: "
          + "its cluster ID"), target.output());

      long term = statusField(Etcdctl.run(ep, null, "endpoint", "status", "-w", "json").stdout(), "raft_term");
      forgeMessages(cluster);

      for (ProcessMember m : cluster.members) {
        assertTrue(m.isAlive(), m.name() + " keeps running");
        assertEquals(membersBefore, Etcdctl.run(m.endpoint(), null, "member", "list").stdout(), "members of " + m.name());
        assertEquals(dataBefore, Etcdctl.run(m.endpoint(), null, "get", "", "--from-key").stdout(), "data of " + m.name());
        assertEquals(term, statusField(Etcdctl.run(m.endpoint(), null, "endpoint", "status", "-w", "json").stdout(),
            "raft_term"), "term of " + m.name());
      }
      assertEquals(0, Etcdctl.run(target.endpoint(), null, "put", "still", "serving").exitCode());
    }
  }

  /**
   * Starts a foreign member of two (itself and the target) and waits until Akka's refusal has stopped it.
   * Its peer address sorts after the target's, so it is not the first seed node of its --initial-cluster:
   * it keeps asking the target to let it join instead of founding an Akka Cluster of its own after a
   * timeout.
   */
  private static void intrude(ProcessCluster cluster, ProcessMember target, String name, String... flags)
      throws Exception {
    int peerPort = RealEtcd.freePort();
    while (Integer.toString(peerPort).compareTo(Integer.toString(target.peerPort())) <= 0) {
      peerPort = RealEtcd.freePort();
    }
    String initial = name + "=http://127.0.0.1:" + peerPort + "," + target.name() + "=" + target.peerUrl();
    try (ProcessMember intruder = new ProcessMember(name, cluster.root().resolve(name), RealEtcd.freePort(), peerPort,
        initial).withFlags(flags).withFlags("--heartbeat-interval", "10", "--election-timeout", "50")) {
      intruder.launch();
      Integer exit = intruder.awaitExit(60);
      assertNotNull(exit, "the intruder is refused and stops:\n" + intruder.output());
      assertNotEquals(0, exit, intruder.output());
      assertTrue(intruder.output().contains("Couldn't join seed nodes because of incompatible cluster configuration"),
          intruder.output());
    }
  }

  /**
   * Sends every member, from an actor system that is no member, a forwarded put and a vote request at a
   * far higher term: once with another cluster ID from a real member's ID, once with this cluster's ID
   * from an ID that is no member's. Returns once every member has logged dropping both.
   */
  private static void forgeMessages(ProcessCluster cluster) throws Exception {
    String list = Etcdctl.run(cluster.members.get(0).endpoint(), null, "member", "list", "-w", "json").stdout();
    long clusterId = statusField(list, "cluster_id");
    long leader = ProcessCluster.leaderSeenBy(cluster.members.get(0));
    ActorSystem forger = ActorSystem.create("forger", ConfigFactory.parseString("""
        akka.actor.provider = remote
        akka.remote.artery.canonical.hostname = "127.0.0.1"
        akka.remote.artery.canonical.port = 0
        """).withFallback(ConfigFactory.load()));
    try {
      for (ProcessMember m : cluster.members) {
        long id = ProcessCluster.memberIdOf(m);
        ActorSelection inbox = forger.actorSelection("akka://etcd@127.0.0.1:" + m.peerPort() + "/user/peer-inbox");
        inbox.tell(forged(leader, id, FORGED_CLUSTER, "forged/other-cluster"), akka.actor.ActorRef.noSender());
        inbox.tell(forged(NOT_A_MEMBER, id, clusterId, "forged/not-a-member"), akka.actor.ActorRef.noSender());
        inbox.tell(PeerMessage.newBuilder().setFrom(NOT_A_MEMBER).setTo(id).setClusterId(clusterId).setTerm(1_000_000)
            .setVoteRequest(VoteRequestProto.newBuilder().setLastLogIndex(1_000_000).setLastLogTerm(1_000_000))
            .build(), akka.actor.ActorRef.noSender());
      }
      for (ProcessMember m : cluster.members) {
        m.awaitOutput("reason=OTHER_CLUSTER remote-peer-id=" + Long.toHexString(leader) + " remote-cluster-id="
            + Long.toHexString(FORGED_CLUSTER), 30);
        m.awaitOutput("reason=UNKNOWN_MEMBER remote-peer-id=" + Long.toHexString(NOT_A_MEMBER), 30);
      }
    } finally {
      forger.terminate();
      forger.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static PeerMessage forged(long from, long to, long clusterId, String key) {
    InternalRaftRequest put = InternalRaftRequest.newBuilder()
        .setHeader(RequestHeader.newBuilder().setID(0x7777))
        .setPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8("x")))
        .build();
    return PeerMessage.newBuilder().setFrom(from).setTo(to).setClusterId(clusterId)
        .setForwardedProposal(put.toByteString()).build();
  }

  private static long statusField(String json, String field) {
    Matcher matcher = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
    assertTrue(matcher.find(), json);
    return Long.parseUnsignedLong(matcher.group(1));
  }
}
