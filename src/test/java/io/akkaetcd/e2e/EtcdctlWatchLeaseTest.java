package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;

/**
 * etcdctl's watch, lease, lock and elect against real etcd 3.4 and this member. Watches replay
 * history (--rev), so what they print is deterministic and must be identical; lease ids are random,
 * so they are masked; lock and elect are checked for their behaviour on this member.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdctlWatchLeaseTest {
  private static RealEtcd etcd;
  private static TestMember ours;

  static final List<List<String>> WRITES = List.of(
      List.of("put", "foo/a", "1"),
      List.of("put", "foo/b", "2"),
      List.of("put", "zoo", "z"),
      List.of("put", "foo/a", "11"),
      List.of("del", "foo/b"),
      List.of("put", "foo/c", "3"),
      List.of("put", "fop", "x"));

  @BeforeAll
  static void start() throws Exception {
    etcd = RealEtcd.start();
    ours = TestMember.start();
    for (List<String> w : WRITES) {
      Etcdctl.run(etcd.endpoint(), null, w.toArray(String[]::new));
      Etcdctl.run(ours.endpoint(), null, w.toArray(String[]::new));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (ours != null) {
      ours.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  /** Runs a history watch on both and compares what it printed once it went quiet. */
  static void sameWatchOutput(String... args) throws Exception {
    String expected;
    try (Etcdctl.Running real = Etcdctl.start(etcd.endpoint(), args)) {
      expected = real.awaitQuiet(700, 10_000);
    }
    String actual;
    try (Etcdctl.Running mine = Etcdctl.start(ours.endpoint(), args)) {
      actual = mine.awaitLines(expected.split("\n", -1).length - 1, 10_000);
      Thread.sleep(200);
      actual = mine.output();
    }
    assertFalse(expected.isBlank(), "real etcd printed something for " + String.join(" ", args));
    assertEquals(mask(expected, etcd.port()), mask(actual, ours.port()), String.join(" ", args));
  }

  static String mask(String s, int port) {
    return s.replaceAll("\"cluster_id\":\\d+", "\"cluster_id\":ID")
        .replaceAll("\"member_id\":\\d+", "\"member_id\":ID")
        .replaceAll("\"raft_term\":\\d+", "\"raft_term\":T")
        .replaceAll("\\b[0-9a-f]{16}\\b", "LEASE")
        .replaceAll("\"ID\":\\d+", "\"ID\":LEASE")
        .replace(":" + port, ":PORT");
  }

  @Test
  @Order(1)
  void watchPrefixFromRevision() throws Exception {
    sameWatchOutput("watch", "foo/", "--prefix", "--rev", "2");
  }

  @Test
  @Order(2)
  void watchWithPrevKv() throws Exception {
    sameWatchOutput("watch", "foo/a", "--rev", "2", "--prev-kv");
  }

  @Test
  @Order(3)
  void watchRange() throws Exception {
    sameWatchOutput("watch", "foo/a", "foo/c", "--rev", "1");
  }

  @Test
  @Order(4)
  void watchJsonShowsHeadersAndEvents() throws Exception {
    sameWatchOutput("watch", "foo/", "--prefix", "--rev", "5", "-w", "json", "--prev-kv");
  }

  @Test
  @Order(5)
  void liveWatchSeesANewPut() throws Exception {
    for (TestTarget t : targets()) {
      try (Etcdctl.Running w = Etcdctl.start(t.endpoint(), "watch", "live/", "--prefix")) {
        // etcdctl prints nothing when its watch is created: write until it reports the event
        String out = "";
        for (int i = 0; i < 50 && !out.contains("live/x"); i++) {
          Etcdctl.run(t.endpoint(), null, "put", "live/x", "1");
          out = w.awaitLines(3, 200);
        }
        assertTrue(out.startsWith("PUT\nlive/x\n1\n"), t + ": " + out);
      }
    }
  }

  record TestTarget(String name, String endpoint, int port) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<TestTarget> targets() {
    return List.of(new TestTarget("etcd", etcd.endpoint(), etcd.port()),
        new TestTarget("ours", ours.endpoint(), ours.port()));
  }

  static final Pattern GRANTED = Pattern.compile("lease ([0-9a-f]+) granted with TTL\\((\\d+)s\\)");

  @Test
  @Order(6)
  void leaseGrantKeepAliveTimeToLiveListRevoke() throws Exception {
    String[] outputs = new String[2];
    int i = 0;
    for (TestTarget t : targets()) {
      StringBuilder all = new StringBuilder();
      Etcdctl.Result grant = Etcdctl.run(t.endpoint(), null, "lease", "grant", "100");
      all.append(grant.stdout());
      Matcher m = GRANTED.matcher(grant.stdout());
      assertTrue(m.find(), t + ": " + grant.stdout() + grant.stderr());
      String id = m.group(1);
      all.append(Etcdctl.run(t.endpoint(), null, "put", "leased", "v", "--lease=" + id).stdout());
      all.append(Etcdctl.run(t.endpoint(), null, "lease", "keep-alive", "--once", id).stdout());
      all.append(Etcdctl.run(t.endpoint(), null, "lease", "timetolive", id, "--keys").stdout()
          .replaceAll("remaining\\((9[89]|100)s\\)", "remaining(ABOUT100s)"));
      all.append(Etcdctl.run(t.endpoint(), null, "lease", "list").stdout());
      all.append(Etcdctl.run(t.endpoint(), null, "lease", "revoke", id).stdout());
      all.append(Etcdctl.run(t.endpoint(), null, "get", "leased").stdout());
      all.append(Etcdctl.run(t.endpoint(), null, "lease", "timetolive", id).stdout());
      Etcdctl.Result revokeAgain = Etcdctl.run(t.endpoint(), null, "lease", "revoke", id);
      all.append("exit=").append(revokeAgain.exitCode()).append(' ')
          .append(revokeAgain.stderr().replaceAll("(?m)^\\{\"level\".*\n", ""));
      outputs[i++] = mask(all.toString(), t.port());
    }
    assertEquals(outputs[0], outputs[1]);
  }

  @Test
  @Order(7)
  void watchAtCompactedRevisionIsCanceled() throws Exception {
    String[] outputs = new String[2];
    int i = 0;
    for (TestTarget t : targets()) {
      Etcdctl.run(t.endpoint(), null, "compaction", "4");
      try (Etcdctl.Running w = Etcdctl.start(t.endpoint(), "watch", "foo/a", "--rev", "2")) {
        outputs[i++] = w.awaitQuiet(700, 10_000);
      }
    }
    assertEquals(outputs[0], outputs[1]);
    assertTrue(outputs[1].contains("compacted"), outputs[1]);
  }

  @Test
  @Order(8)
  void lockWithTwoContenders() throws Exception {
    try (Etcdctl.Running first = Etcdctl.start(ours.endpoint(), "lock", "mylock")) {
      String held = first.awaitLines(1, 10_000);
      assertTrue(held.startsWith("mylock/"), held);
      try (Etcdctl.Running second = Etcdctl.start(ours.endpoint(), "lock", "mylock")) {
        Thread.sleep(500);
        assertEquals("", second.output(), "second contender waits");
        first.close(); // SIGTERM: etcdctl unlocks and revokes its session
        String got = second.awaitLines(1, 10_000);
        assertTrue(got.startsWith("mylock/") && !got.equals(held), got);
      }
    }
  }

  @Test
  @Order(9)
  void electWithAnObserver() throws Exception {
    try (Etcdctl.Running observer = Etcdctl.start(ours.endpoint(), "elect", "-l", "myelection");
        Etcdctl.Running one = Etcdctl.start(ours.endpoint(), "elect", "myelection", "p1")) {
      String won = one.awaitLines(2, 10_000);
      assertTrue(won.matches("myelection/[0-9a-f]+\np1\n"), won);
      try (Etcdctl.Running two = Etcdctl.start(ours.endpoint(), "elect", "myelection", "p2")) {
        Thread.sleep(500);
        assertEquals("", two.output(), "second candidate waits");
        one.close();
        String second = two.awaitLines(2, 10_000);
        assertTrue(second.matches("myelection/[0-9a-f]+\np2\n"), second);
        String seen = observer.awaitLines(4, 10_000);
        assertTrue(seen.matches("myelection/[0-9a-f]+\np1\nmyelection/[0-9a-f]+\np2\n"), seen);
      }
    }
  }
}
