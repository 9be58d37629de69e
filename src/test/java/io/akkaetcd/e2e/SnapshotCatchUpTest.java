package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A follower that was down while the leader compacted its log past it catches up from a snapshot
 * (Raft paper §7), then from the log. --snapshot-count 50 makes the members compact often. Auth was
 * set up and enabled while it was down, so users, roles, a permission and the enabled flag reach it
 * only in the snapshot: it must then authenticate and enforce them on its own reads.
 */
class SnapshotCatchUpTest {

  @Test
  void followerBehindTheCompactedLogIsSentASnapshot() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster(3, "--snapshot-count", "50")) {
      cluster.start();
      ProcessCluster.LeaderAndFollower roles = cluster.leaderAndFollower();
      ProcessMember live = roles.leader();
      ProcessMember follower = roles.follower();
      follower.kill();
      String ep = live.endpoint();
      for (String[] step : new String[][] {{"user", "add", "root:rpw"}, {"user", "grant-role", "root", "root"},
          {"user", "add", "alice:apw"}, {"role", "add", "reader"},
          {"role", "grant-permission", "reader", "read", "/app/", "--prefix"}, {"user", "grant-role", "alice", "reader"},
          {"put", "/app/x", "1"}, {"put", "/other", "2"}, {"auth", "enable"}}) {
        Etcdctl.Result r = runWithLeader(ep, step);
        assertEquals(0, r.exitCode(), String.join(" ", step) + ": " + r.stderr());
      }
      for (int i = 0; i < 150; i++) {
        Etcdctl.Result put = runWithLeader(ep, "--user=root:rpw", "put", "s/" + i, "v" + i);
        assertEquals(0, put.exitCode(), put.stderr());
      }
      assertTrue(live.output().contains("compacted raft log"), "the leader compacted its log");

      follower.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      String seen = "";
      while (System.nanoTime() < deadline && !seen.contains("\"count\":150")) {
        seen = Etcdctl.run(follower.endpoint(), null, "--user=root:rpw", "get", "s/", "--prefix", "--consistency=s",
            "--keys-only", "-w", "json").stdout();
        Thread.sleep(200);
      }
      assertTrue(seen.contains("\"count\":150"), seen);
      assertTrue(follower.output().contains("restored the store from a leader's snapshot"), "caught up by snapshot");
      String f = follower.endpoint();
      assertEquals("s/149\nv149\n", Etcdctl.run(f, null, "--user=root:rpw", "get", "s/149", "--consistency=s").stdout());
      // the auth state came with the snapshot: alice's password and permission, auth enabled
      assertEquals("/app/x\n1\n", Etcdctl.run(f, null, "--user=alice:apw", "get", "/app/x", "--consistency=s").stdout());
      assertTrue(Etcdctl.run(f, null, "--user=alice:apw", "get", "/other", "--consistency=s").stderr()
          .contains("permission denied"));
      assertTrue(Etcdctl.run(f, null, "--user=alice:wrong", "get", "/app/x", "--consistency=s").stderr()
          .contains("authentication failed"));
      assertTrue(Etcdctl.run(f, null, "get", "/app/x", "--consistency=s").stderr().contains("user name is empty"));
      // And it keeps up from the log afterwards.
      assertEquals(0, Etcdctl.run(ep, null, "--user=root:rpw", "put", "after", "snapshot").exitCode());
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      String after = "";
      while (System.nanoTime() < deadline && !after.contains("snapshot")) {
        after = Etcdctl.run(f, null, "--user=root:rpw", "get", "after", "--consistency=s").stdout();
        Thread.sleep(100);
      }
      assertEquals("after\nsnapshot\n", after);
    }
  }

  /**
   * Runs etcdctl, again while the member answers "no leader" (refused before proposing, so nothing
   * applied): on a loaded machine the two live members may hold an election after the kill.
   */
  private static Etcdctl.Result runWithLeader(String endpoint, String... args) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Etcdctl.Result r = Etcdctl.run(endpoint, null, args);
    while (r.exitCode() != 0 && r.stderr().contains("no leader") && System.nanoTime() < deadline) {
      r = Etcdctl.run(endpoint, null, args);
    }
    return r;
  }
}
