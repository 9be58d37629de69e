package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Membership with etcdctl against three bin/etcd processes: add a learner, start it with
 * --initial-cluster-state existing, see it catch up, promote it, remove it. Raft thesis §4 (one server
 * at a time) and §4.2.1 (learners catch up before they vote).
 */
class MembershipTest {

  private static String firstOther(String statusJson, String leader) {
    Matcher ids = Pattern.compile("\"member_id\":(\\d+)").matcher(statusJson);
    while (ids.find()) {
      if (!ids.group(1).equals(leader)) {
        return ids.group(1);
      }
    }
    throw new AssertionError("no follower in " + statusJson);
  }

  @Test
  void learnerJoinsCatchesUpIsPromotedAndRemoved() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster(3)) {
      cluster.start();
      String ep = cluster.members.get(0).endpoint();

      // etcdctl dials each member as given ("http://..."), which is what --cluster and move-leader need.
      Etcdctl.Result status = Etcdctl.run(ep, null, "endpoint", "status", "--cluster", "-w", "json");
      assertEquals(0, status.exitCode(), status.stderr());
      Matcher leaders = Pattern.compile("\"leader\":(\\d+)").matcher(status.stdout());
      assertTrue(leaders.find(), status.stdout());
      String follower = Long.toHexString(Long.parseUnsignedLong(firstOther(status.stdout(), leaders.group(1))));
      Etcdctl.Result moved = Etcdctl.run(ep, null, "move-leader", follower,
          "--endpoints=" + cluster.endpoints());
      assertEquals(0, moved.exitCode(), moved.stderr());
      assertTrue(moved.stdout().contains("Leadership transferred from"), moved.stdout());
      assertEquals(Long.parseUnsignedLong(follower, 16), ProcessCluster.leaderSeenBy(cluster.members.get(0)));

      for (int i = 0; i < 20; i++) {
        assertEquals(0, Etcdctl.run(ep, null, "put", "m/" + i, "v" + i).exitCode());
      }
      int peerPort = RealEtcd.freePort();
      String peerUrl = "http://127.0.0.1:" + peerPort;
      Etcdctl.Result added = Etcdctl.run(ep, null, "member", "add", "infra4", "--peer-urls=" + peerUrl, "--learner");
      assertEquals(0, added.exitCode(), added.stderr());
      Matcher m = Pattern.compile("Member +([0-9a-f]+) added to cluster").matcher(added.stdout());
      assertTrue(m.find(), added.stdout());
      String id = m.group(1);
      assertTrue(added.stdout().contains("ETCD_INITIAL_CLUSTER_STATE=\"existing\""), added.stdout());

      try (ProcessMember learner = new ProcessMember("infra4", cluster.root().resolve("infra4"), RealEtcd.freePort(),
          peerPort, cluster.initialCluster() + ",infra4=" + peerUrl).withFlags("--initial-cluster-state", "existing")) {
        learner.start();
        String list = Etcdctl.run(ep, null, "member", "list").stdout();
        assertTrue(list.contains(id + ", started, infra4, " + peerUrl + ", " + learner.endpoint() + ", true"), list);

        // The learner holds every write, served from its own store.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String count = "";
        while (System.nanoTime() < deadline && !count.contains("\"count\":20")) {
          count = Etcdctl.run(learner.endpoint(), null, "get", "m/", "--prefix", "--consistency=s",
              "--keys-only", "-w", "json").stdout();
          Thread.sleep(100);
        }
        assertTrue(count.contains("\"count\":20"), count);
        Matcher learnerCluster = Pattern.compile("\"cluster_id\":(\\d+)").matcher(count);
        Matcher founderCluster = Pattern.compile("\"cluster_id\":(\\d+)").matcher(status.stdout());
        assertTrue(learnerCluster.find() && founderCluster.find(), count + status.stdout());
        assertEquals(founderCluster.group(1), learnerCluster.group(1),
            "a member that joined reports the cluster's id, learned from the log, not one from its flags");

        Etcdctl.Result promoted = Etcdctl.run(ep, null, "member", "promote", id);
        assertEquals(0, promoted.exitCode(), promoted.stderr());
        // etcdctl prints ids as %16x: one with a leading zero digit comes padded with a space.
        assertTrue(Pattern.compile("Member +" + id + " promoted in cluster").matcher(promoted.stdout()).find(),
            promoted.stdout());
        list = Etcdctl.run(ep, null, "member", "list").stdout();
        assertTrue(list.contains(id + ", started, infra4, " + peerUrl + ", " + learner.endpoint() + ", false"), list);

        Etcdctl.Result removed = Etcdctl.run(ep, null, "member", "remove", id);
        assertEquals(0, removed.exitCode(), removed.stderr());
        list = Etcdctl.run(ep, null, "member", "list").stdout();
        assertEquals(3, list.strip().split("\n").length, list);
        assertEquals(0, Etcdctl.run(ep, null, "put", "after-remove", "ok").exitCode(), "three voters still commit");

        // Raft removed it, so every other member downs it in the Akka Cluster and sees it leave; the removed
        // member stops by itself, as etcd's does (see RemovedMemberStopsTest), not because Akka downed it.
        String address = "akka://etcd@127.0.0.1:" + peerPort;
        for (ProcessMember other : cluster.members) {
          other.awaitOutput("member " + id + " was removed through Raft; downing " + address, 30);
          other.awaitOutput("akka cluster: MemberRemoved " + address, 30);
        }
        assertEquals(0, learner.awaitExit(60), "the removed member exits with status 0");
        assertTrue(learner.output().contains("data-dir used by this member must be removed"), learner.output());
      }
    }
  }
}
