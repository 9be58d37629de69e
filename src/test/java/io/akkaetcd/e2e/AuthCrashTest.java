package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A member process killed with -9 right after its auth changes were acknowledged comes back with them:
 * they were applied from a log durable before the answer, and are replayed onto a backend that may
 * have lost its unsynced tail (the auth buckets are written with the consistent index).
 */
class AuthCrashTest {
  private static Etcdctl.Result ctl(ProcessMember m, String... args) {
    Etcdctl.Result r = Etcdctl.run(m.endpoint(), null, args);
    assertEquals(0, r.exitCode(), String.join(" ", args) + ": " + r);
    return r;
  }

  @Test
  void authStateSurvivesKillNine() throws Exception {
    try (ProcessMember m = new ProcessMember(ProcessMember.tempDataDir(), RealEtcd.freePort(), RealEtcd.freePort())
        .withFlags("--bcrypt-cost", "4")) {
      m.start();
      ctl(m, "user", "add", "root:rootpw");
      ctl(m, "role", "add", "app");
      ctl(m, "role", "grant-permission", "app", "--prefix", "read", "/app/");
      ctl(m, "user", "add", "alice:apw");
      ctl(m, "user", "grant-role", "alice", "app");
      ctl(m, "auth", "enable");
      ctl(m, "--user=root:rootpw", "put", "/app/x", "1");
      ctl(m, "--user=root:rootpw", "role", "grant-permission", "app", "write", "/w");
      m.kill();
      m.start();
      assertEquals("/app/x\n1\n", ctl(m, "--user=alice:apw", "get", "/app/x").stdout());
      ctl(m, "--user=alice:apw", "put", "/w", "ok");
      Etcdctl.Result denied = Etcdctl.run(m.endpoint(), null, "--user=alice:apw", "put", "/app/x", "2");
      assertTrue(denied.stderr().contains("Error: etcdserver: permission denied"), denied.toString());
      Etcdctl.Result anonymous = Etcdctl.run(m.endpoint(), null, "get", "/app/x");
      assertTrue(anonymous.stderr().contains("Error: etcdserver: user name is empty"), "auth is still on: " + anonymous);
      assertEquals("alice\nroot\n", ctl(m, "--user=root:rootpw", "user", "list").stdout());
    }
  }
}
