package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A follower that was down while the leader compacted its log past it catches up from a snapshot
 * (Raft paper §7), then from the log. --snapshot-count 50 makes the members compact often.
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
      for (int i = 0; i < 150; i++) {
        Etcdctl.Result put = Etcdctl.run(ep, null, "put", "s/" + i, "v" + i);
        assertEquals(0, put.exitCode(), put.stderr());
      }
      assertTrue(live.output().contains("compacted raft log"), "the leader compacted its log");

      follower.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      String seen = "";
      while (System.nanoTime() < deadline && !seen.contains("\"count\":150")) {
        seen = Etcdctl.run(follower.endpoint(), null, "get", "s/", "--prefix", "--consistency=s", "--keys-only",
            "-w", "json").stdout();
        Thread.sleep(200);
      }
      assertTrue(seen.contains("\"count\":150"), seen);
      assertTrue(follower.output().contains("restored the store from a leader's snapshot"), "caught up by snapshot");
      assertEquals("s/149\nv149\n", Etcdctl.run(follower.endpoint(), null, "get", "s/149", "--consistency=s").stdout());
      // And it keeps up from the log afterwards.
      assertEquals(0, Etcdctl.run(ep, null, "put", "after", "snapshot").exitCode());
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      String after = "";
      while (System.nanoTime() < deadline && !after.contains("snapshot")) {
        after = Etcdctl.run(follower.endpoint(), null, "get", "after", "--consistency=s").stdout();
        Thread.sleep(100);
      }
      assertEquals("after\nsnapshot\n", after);
    }
  }
}
