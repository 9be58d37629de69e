package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A member of another cluster whose --initial-cluster names one of this cluster's peer URLs: it is
 * refused by the Akka Cluster join check on both sides and stops (etcd fails such a member loudly too);
 * what Raft messages it managed to send are dropped by the peer inbox; this cluster's members and data
 * stay as they were. Once with another --initial-cluster-token, once with the same (default) token,
 * where only the cluster ID tells the two clusters apart.
 */
class ForeignClusterTest {

  @Test
  void aMemberOfAnotherClusterPointedAtOurPeerPortsIsRefused() throws Exception {
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
      assertTrue(target.output().contains("rejected peer message: reason=NOT_ADDRESSED_TO_THIS_MEMBER"), target.output());
      // The same token: same member ID for the target's URL, another cluster ID.
      intrude(cluster, target, "intruder2");
      assertTrue(target.output().contains("refusing to form an Akka Cluster with a node of another etcd cluster: "
          + "its cluster ID"), target.output());
      assertTrue(target.output().contains("rejected peer message: reason=OTHER_CLUSTER"), target.output());

      for (ProcessMember m : cluster.members) {
        assertTrue(m.isAlive(), m.name() + " keeps running");
        assertEquals(membersBefore, Etcdctl.run(m.endpoint(), null, "member", "list").stdout(), "members of " + m.name());
        assertEquals(dataBefore, Etcdctl.run(m.endpoint(), null, "get", "", "--from-key").stdout(), "data of " + m.name());
        assertTrue(!m.output().contains("elected leader") || !m.output().contains("intruder"), m.output());
      }
      assertEquals(0, Etcdctl.run(target.endpoint(), null, "put", "still", "serving").exitCode());
    }
  }

  /**
   * Starts a foreign member of two (itself and the target) and waits until Akka's refusal has stopped it.
   * Its peer address sorts after the target's, so it is not the first seed node of its --initial-cluster:
   * it keeps asking the target to let it join instead of founding an Akka Cluster of its own after a
   * timeout. A short election timeout makes it send Raft messages at once, before the refusal arrives.
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
}
