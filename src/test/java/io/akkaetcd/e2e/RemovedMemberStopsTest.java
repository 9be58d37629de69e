package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A member removed with {@code etcdctl member remove} stops by itself, as etcd 3.4's does: once it has
 * applied its own removal it logs etcd's two lines ("server error" with "the member has been permanently
 * removed from the cluster", then "data-dir used by this member must be removed") and exits with status 0
 * (etcd 3.4.23, checked: the same lines, status 0, within its 1 s stopWithDelay). The other two go on
 * with every write.
 */
class RemovedMemberStopsTest {

  /** Puts until the cluster takes it: on a loaded machine a fresh cluster may be between leaders ("no leader"). */
  private static void put(String endpoints, String key, String value) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Etcdctl.Result put = Etcdctl.run(endpoints, null, "put", key, value);
    while (put.exitCode() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(200);
      put = Etcdctl.run(endpoints, null, "put", key, value);
    }
    assertEquals(0, put.exitCode(), put.stderr());
  }

  @Test
  void aRemovedMemberStopsAndTheOthersGoOnWithNothingLost() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster(3)) {
      cluster.start();
      for (int i = 0; i < 20; i++) {
        put(cluster.endpoints(), "r/" + i, "v" + i);
      }
      // A follower: it learns of its removal only from the leader's commit, the path etcd's stop follows too.
      ProcessMember victim = cluster.leaderAndFollower().follower();
      List<ProcessMember> others = cluster.members.stream().filter(m -> m != victim).toList();
      String id = Long.toHexString(ProcessCluster.memberIdOf(victim));

      Etcdctl.Result remove = Etcdctl.run(others.get(0).endpoint(), null, "member", "remove", id);
      assertEquals(0, remove.exitCode(), remove.stderr());
      assertTrue(remove.stdout().contains(" removed from cluster "), remove.stdout());

      assertEquals(0, victim.awaitExit(60), "a removed member exits with status 0, as etcd's does");
      String log = victim.output();
      assertTrue(log.contains("server error: error=the member has been permanently removed from the cluster")
          && log.contains("data-dir used by this member must be removed"), log);

      String survivors = others.get(0).endpoint() + "," + others.get(1).endpoint();
      Etcdctl.Result list = Etcdctl.run(survivors, null, "member", "list");
      assertEquals(2, list.stdout().strip().split("\n").length, list.stdout());
      assertTrue(!list.stdout().contains(id + ","), list.stdout());
      put(survivors, "r/after", "removal"); // two voters of two commit
      for (ProcessMember m : others) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String count = "";
        while (System.nanoTime() < deadline && !count.contains("\"count\":21")) {
          count = Etcdctl.run(m.endpoint(), null, "get", "r/", "--prefix", "--consistency=s", "--keys-only",
              "-w", "json").stdout();
          if (!count.contains("\"count\":21")) {
            Thread.sleep(100);
          }
        }
        assertTrue(count.contains("\"count\":21"), m.name() + " holds every write: " + count);
        assertEquals("r/19\nv19\n", Etcdctl.run(m.endpoint(), null, "get", "r/19", "--consistency=s").stdout());
      }
    }
  }
}
