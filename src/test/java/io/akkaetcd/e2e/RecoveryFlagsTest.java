package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The flags recovery relies on. --force-new-cluster, etcd's way out of a permanent loss of quorum: three
 * members, two of them gone for good (kill -9, never restarted); the third, restarted with it, is a
 * one-member cluster that takes writes and still has every key it had. Auto-compaction compacts on its
 * own schedule.
 */
class RecoveryFlagsTest {
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

  @Test
  void periodicAutoCompactionCompactsTheRevisionOfAPeriodAgo() throws Exception {
    try (ProcessMember m = new ProcessMember(ProcessMember.tempDataDir(), RealEtcd.freePort(), RealEtcd.freePort())
        .withFlags("--auto-compaction-mode=periodic", "--auto-compaction-retention=2s")) {
      m.start();
      assertEquals(0, Etcdctl.run(m.endpoint(), null, "put", "a", "1").exitCode());
      assertEquals(0, Etcdctl.run(m.endpoint(), null, "put", "a", "2").exitCode());
      // Revision 2 goes once a compaction at 2 or later has run: the first comes 2s after start, at the
      // revision recorded then (1); the next ones every 2s, at the revision of 2s before.
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      Etcdctl.Result old;
      do {
        old = Etcdctl.run(m.endpoint(), null, "get", "a", "--rev=2");
      } while (!old.stderr().contains("required revision has been compacted") && Instant.now().isBefore(deadline));
      assertTrue(old.stderr().contains("required revision has been compacted"), old + m.output());
      assertTrue(m.output().contains("completed auto periodic compaction: revision="), m.output());
      assertEquals("a\n2\n", Etcdctl.run(m.endpoint(), null, "get", "a").stdout());
    }
  }
}
