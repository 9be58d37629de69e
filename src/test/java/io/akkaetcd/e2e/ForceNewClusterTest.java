package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * etcd's disaster recovery after a permanent loss of quorum: three members, two of them gone for good
 * (kill -9, never restarted); the third, restarted with --force-new-cluster, is a one-member cluster that
 * takes writes and still has every key it had.
 */
class ForceNewClusterTest {
  @Test
  void survivorRestartedWithForceNewClusterServesItsDataAlone() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster(3)) {
      cluster.start();
      for (int i = 0; i < 5; i++) {
        Etcdctl.Result put = Etcdctl.run(cluster.endpoints(), null, "put", "k" + i, "v" + i);
        assertEquals(0, put.exitCode(), put.stderr());
      }
      ProcessMember survivor = cluster.members.get(2);
      // Every member has applied the last put before the others go.
      assertEquals("k4\nv4\n", Etcdctl.run(survivor.endpoint(), null, "get", "k4").stdout());
      cluster.members.get(0).kill();
      cluster.members.get(1).kill();
      survivor.close();

      survivor.withFlags("--force-new-cluster");
      survivor.start();
      String members = Etcdctl.run(survivor.endpoint(), null, "member", "list").stdout();
      assertEquals(1, members.lines().count(), members);
      assertTrue(members.contains(survivor.name() + ", " + survivor.peerUrl()), members);
      Etcdctl.Result put = Etcdctl.run(survivor.endpoint(), null, "put", "after", "recovery", "-w", "json");
      assertTrue(put.stdout().contains("\"revision\":7"), put.stdout() + put.stderr() + survivor.output());
      assertEquals("k0\nv0\nk1\nv1\nk2\nv2\nk3\nv3\nk4\nv4\n",
          Etcdctl.run(survivor.endpoint(), null, "get", "--prefix", "k").stdout());
      assertTrue(survivor.output().contains("forcing restart member"), survivor.output());
    }
  }
}
