package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * One member cut from the other two for real (iptables in a network namespace of the test's own, no
 * process stopped or restarted), then healed. Raft thesis §3.6 and §6.2: the majority elects or keeps a
 * leader and goes on committing; the minority commits nothing and answers as etcd 3.4 does; after
 * healing the cut member converges and nothing acknowledged is lost.
 */
class NetworkPartitionTest {
  private static final int CUT_GROUP = 4242;
  /** What etcdctl 3.4 prints for a write or linearizable read on a cut-off etcd 3.4 member (checked by hand). */
  private static final Pattern ETCD_MINORITY_ERROR =
      Pattern.compile("context deadline exceeded|etcdserver: request timed out|etcdserver: no leader");

  @Test
  void theMajorityGoesOnTheMinorityRefusesAndAllConvergeAfterHealing() throws Exception {
    try (NetworkNamespace ns = NetworkNamespace.create();
         ProcessCluster cluster = new ProcessCluster(3, i -> i == 2 ? ns.execAsGroup(CUT_GROUP) : ns.exec())) {
      cluster.start();
      ProcessMember a = cluster.members.get(0);
      ProcessMember b = cluster.members.get(1);
      ProcessMember cut = cluster.members.get(2);
      List<String> acknowledged = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        put(ns, cluster.members.get(i % 3), "before/" + i, acknowledged);
      }

      String[] toCut = {"-p", "tcp", "--dport", Integer.toString(cut.peerPort()), "-j", "DROP"};
      String[] fromCut = {"-m", "owner", "--gid-owner", Integer.toString(CUT_GROUP), "-p", "tcp", "-m", "multiport",
          "--dports", a.peerPort() + "," + b.peerPort(), "-j", "DROP"};
      ns.iptables(concat("-I", "INPUT", toCut));
      ns.iptables(concat("-I", "OUTPUT", fromCut));
      boolean healed = false;
      try {
        // The majority commits: at once if it kept its leader, after an election if the leader was cut off.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Etcdctl.Result first;
        do {
          first = ctl(ns, a, "--command-timeout=3s", "put", "during/first", "v-during/first");
        } while (first.exitCode() != 0 && System.nanoTime() < deadline);
        assertEquals(0, first.exitCode(), "the majority commits: " + first.stderr() + cluster.logs());
        acknowledged.add("during/first");
        for (int i = 0; i < 20; i++) {
          put(ns, i % 2 == 0 ? a : b, "during/" + i, acknowledged);
        }
        long leaderOfA = leaderSeenBy(ns, a);
        assertEquals(leaderOfA, leaderSeenBy(ns, b), "both majority members follow one leader");
        assertNotEquals(memberId(ns, cut), leaderOfA, "the cut member does not lead the majority");

        // The minority commits nothing and serves no linearizable read, with etcd's error.
        Etcdctl.Result put = ctl(ns, cut, "--command-timeout=5s", "put", "minority", "lost");
        assertNotEquals(0, put.exitCode(), "a cut-off member cannot commit: " + put.stdout());
        assertTrue(ETCD_MINORITY_ERROR.matcher(put.stderr()).find(), put.stderr());
        System.out.println("PARTITION: put on the cut member: " + put.stderr().strip());
        Etcdctl.Result get = ctl(ns, cut, "--command-timeout=5s", "get", "before/0");
        assertNotEquals(0, get.exitCode(), "nor serve a linearizable read: " + get.stdout());
        assertTrue(ETCD_MINORITY_ERROR.matcher(get.stderr()).find(), get.stderr());
        System.out.println("PARTITION: linearizable get on the cut member: " + get.stderr().strip());
        // Akka Cluster's failure detector saw it too, and told Raft (which probes the cut member).
        String cutId = Long.toHexString(memberId(ns, cut));
        for (ProcessMember m : List.of(a, b)) {
          m.awaitOutput("peer " + cutId + " at akka://etcd@127.0.0.1:" + cut.peerPort()
              + " became unreachable; Raft probes it instead of streaming", 30);
        }

        ns.iptables(concat("-D", "INPUT", toCut));
        ns.iptables(concat("-D", "OUTPUT", fromCut));
        healed = true;
      } finally {
        if (!healed) {
          ns.iptables("-F", "INPUT");
          ns.iptables("-F", "OUTPUT");
        }
      }

      // Healed without a restart: the cut member catches up and serves linearizable reads again.
      // Nothing downed it (no downing provider): the same Akka Cluster member is reachable again.
      for (ProcessMember m : List.of(a, b)) {
        m.awaitOutput("at akka://etcd@127.0.0.1:" + cut.peerPort() + " became reachable again", 30);
        assertTrue(!m.output().contains("akka cluster: MemberRemoved akka://etcd@127.0.0.1:" + cut.peerPort()),
            m.output());
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      Etcdctl.Result read;
      do {
        read = ctl(ns, cut, "--command-timeout=3s", "get", "during/19");
      } while (!read.stdout().equals("during/19\nv-during/19\n") && System.nanoTime() < deadline);
      assertEquals("during/19\nv-during/19\n", read.stdout(), read.stderr() + cluster.logs());
      for (ProcessMember m : cluster.members) {
        assertTrue(m.isAlive(), m.name() + " kept running through the partition");
        Etcdctl.Result all = ctl(ns, m, "get", "", "--from-key", "--consistency=s");
        java.util.Map<String, String> stored = new java.util.HashMap<>();
        String[] lines = all.stdout().split("\n");
        for (int i = 0; i + 1 < lines.length; i += 2) {
          stored.put(lines[i], lines[i + 1]);
        }
        for (String key : acknowledged) {
          assertEquals("v-" + key, stored.get(key), "acknowledged " + key + " on " + m.name());
        }
      }
      Etcdctl.Result after = ctl(ns, cut, "put", "after", "healed");
      assertEquals(0, after.exitCode(), after.stderr());
    }
  }

  private static String[] concat(String a, String b, String[] rest) {
    String[] out = new String[rest.length + 2];
    out[0] = a;
    out[1] = b;
    System.arraycopy(rest, 0, out, 2, rest.length);
    return out;
  }

  private static void put(NetworkNamespace ns, ProcessMember m, String key, List<String> acknowledged) {
    Etcdctl.Result r = ctl(ns, m, "put", key, "v-" + key);
    assertEquals(0, r.exitCode(), "put " + key + " on " + m.name() + ": " + r.stderr());
    acknowledged.add(key);
  }

  private static Etcdctl.Result ctl(NetworkNamespace ns, ProcessMember m, String... args) {
    return Etcdctl.runUnder(ns.exec(), m.endpoint(), null, args);
  }

  private static long leaderSeenBy(NetworkNamespace ns, ProcessMember m) {
    return statusField(ctl(ns, m, "--command-timeout=3s", "endpoint", "status", "-w", "json"), "leader");
  }

  private static long memberId(NetworkNamespace ns, ProcessMember m) {
    return statusField(ctl(ns, m, "--command-timeout=3s", "endpoint", "status", "-w", "json"), "member_id");
  }

  private static long statusField(Etcdctl.Result r, String field) {
    Matcher matcher = Pattern.compile("\"" + field + "\":(\\d+)").matcher(r.stdout());
    assertTrue(r.exitCode() == 0 && matcher.find(), r.stdout() + r.stderr());
    return Long.parseUnsignedLong(matcher.group(1));
  }
}
