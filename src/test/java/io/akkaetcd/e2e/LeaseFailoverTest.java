package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A lease granted before the leader is killed still expires, once, on every member: expiry is decided
 * by whichever member leads and applied through the log, so all delete the key at the same revision.
 */
class LeaseFailoverTest {

  private static long revision(Etcdctl.Result r) {
    Matcher m = Pattern.compile("\"revision\":(\\d+)").matcher(r.stdout());
    assertTrue(m.find(), r.stdout() + r.stderr());
    return Long.parseLong(m.group(1));
  }

  @Test
  void leaseGrantedBeforeTheLeaderDiesExpiresOnceOnEveryMember() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster(3)) {
      cluster.start();
      // Status may time out on a loaded machine: ask until a member is named leader.
      ProcessMember leader = null;
      List<ProcessMember> followers = new ArrayList<>();
      long leaderDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (leader == null && System.nanoTime() < leaderDeadline) {
        long leaderId = ProcessCluster.leaderSeenBy(cluster.members.get(0));
        followers.clear();
        for (ProcessMember m : cluster.members) {
          if (ProcessCluster.memberIdOf(m) == leaderId) {
            leader = m;
          } else {
            followers.add(m);
          }
        }
      }
      assertTrue(leader != null, "a leader was named: " + cluster.logs());
      String viaFollower = followers.get(0).endpoint();
      Etcdctl.Result granted = Etcdctl.run(viaFollower, null, "lease", "grant", "5");
      Matcher id = Pattern.compile("lease ([0-9a-f]+) granted with TTL\\(5s\\)").matcher(granted.stdout());
      assertTrue(id.find(), granted.stdout() + granted.stderr());
      long putRevision = revision(Etcdctl.run(viaFollower, null, "put", "--lease=" + id.group(1), "leased", "v",
          "-w", "json"));
      Etcdctl.Result kept = Etcdctl.run(viaFollower, null, "lease", "keep-alive", "--once", id.group(1));
      assertTrue(kept.stdout().contains("keepalived with TTL(5)"), kept.stdout() + kept.stderr());

      // A watch on a surviving member, opened before the leader dies, must see the expiry.
      Etcdctl.Running watch = Etcdctl.start(followers.get(1).endpoint(), "watch", "leased");
      Thread.sleep(500);

      leader.kill();

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      boolean goneEverywhere = false;
      while (!goneEverywhere && System.nanoTime() < deadline) {
        goneEverywhere = true;
        for (ProcessMember f : followers) {
          Etcdctl.Result get = Etcdctl.run(f.endpoint(), null, "get", "leased", "--consistency=s", "-w", "json");
          goneEverywhere &= get.exitCode() == 0 && !get.stdout().contains("\"kvs\"");
        }
        Thread.sleep(200);
      }
      assertTrue(goneEverywhere, "the leased key expired on every surviving member");
      for (ProcessMember f : followers) {
        assertEquals(putRevision + 1, revision(Etcdctl.run(f.endpoint(), null, "get", "leased", "--consistency=s",
            "-w", "json")), "one revoke, one revision, the same on every member");
      }
      Etcdctl.Result ttl = Etcdctl.run(viaFollower, null, "lease", "timetolive", id.group(1));
      assertTrue(ttl.stdout().contains("already expired"), ttl.stdout());
      // etcdctl prints type, key and value: a delete's value is empty.
      String watched = watch.awaitLines(3, 5_000);
      watch.close();
      assertEquals("DELETE\nleased\n\n", watched, "the watch kept working across the leader change");
    }
  }
}
