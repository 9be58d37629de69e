package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Date;
import io.akkaetcd.server.EtcdServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Three members (actor systems in one JVM over Artery) with JWT tokens (RS256): a user with read on
 * /app/ reads it at the leader and at a follower with a token another member issued, cannot write it
 * nor read /other; a revoke applied through the log makes the same connection's token stale on every
 * member ("revision of auth store is old"), and the fresh token is denied; forged, expired and
 * other-key tokens are refused; a follower restarted over its data dir enforces the same.
 * ({@link AuthCrashTest} kills a member process with -9.)
 */
class AuthClusterTest {
  private static final String DENIED = "PERMISSION_DENIED etcdserver: permission denied";
  private static final String OLD = "INVALID_ARGUMENT etcdserver: revision of auth store is old";
  private static final String INVALID = "UNAUTHENTICATED etcdserver: invalid auth token";

  private static void pem(Path file, String type, byte[] der) throws Exception {
    Files.writeString(file, "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n");
  }

  private static int port(EtcdServer m) {
    return m.clientPort();
  }

  private static Etcdctl.Result ctl(EtcdServer m, String... args) {
    Etcdctl.Result r = Etcdctl.run("http://127.0.0.1:" + m.clientPort(), null, args);
    assertEquals(0, r.exitCode(), String.join(" ", args) + ": " + r);
    return r;
  }

  /** Waits (bounded) until {@code probe} answers {@code expected}: a change applies on each member in its own time. */
  private static void awaitAnswer(String expected, Supplier<String> probe) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    String last = probe.get();
    while (!last.equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      last = probe.get();
    }
    assertEquals(expected, last);
  }

  @Test
  void permissionsHoldOnEveryMemberAndFollowTheLog() throws Exception {
    Path keys = Files.createTempDirectory("akka-etcd-jwt");
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    pem(keys.resolve("jwt.key"), "PRIVATE KEY", pair.getPrivate().getEncoded());
    pem(keys.resolve("jwt.pub"), "PUBLIC KEY", pair.getPublic().getEncoded());
    String jwt = "jwt,pub-key=" + keys.resolve("jwt.pub") + ",priv-key=" + keys.resolve("jwt.key")
        + ",sign-method=RS256,ttl=5m";
    try (InJvmCluster cluster = new InJvmCluster(3, Map.of("akka-etcd.auth-token", jwt, "akka-etcd.bcrypt-cost", 4))) {
      List<EtcdServer> ms = cluster.members;
      EtcdServer first = ms.get(0);
      ctl(first, "user", "add", "root:rootpw");
      ctl(first, "role", "add", "app");
      ctl(first, "role", "grant-permission", "app", "--prefix", "read", "/app/");
      ctl(first, "user", "add", "alice:apw");
      ctl(first, "user", "grant-role", "alice", "app");
      ctl(first, "auth", "enable");
      ctl(first, "--user=root:rootpw", "put", "/app/x", "1");
      ctl(first, "--user=root:rootpw", "put", "/other", "o");

      long leaderId = InJvmCluster.leaderSeenBy(first);
      EtcdServer leader = null;
      EtcdServer follower = null;
      for (EtcdServer m : ms) {
        if (m.memberId() == leaderId) {
          leader = m;
        } else if (follower == null) {
          follower = m;
        }
      }
      assertTrue(leader != null && follower != null, "a leader and a follower");

      try (GrpcAuthClient atLeader = new GrpcAuthClient(port(leader));
           GrpcAuthClient atFollower = new GrpcAuthClient(port(follower))) {
        String token = atFollower.authenticate("alice", "apw");
        for (GrpcAuthClient c : List.of(atLeader, atFollower)) {
          awaitAnswer("OK 1", () -> c.get(token, "/app/x"));
          assertEquals(DENIED, c.put(token, "/app/x", "2"));
          assertEquals(DENIED, c.get(token, "/other"));
          assertEquals("INVALID_ARGUMENT etcdserver: user name is empty", c.get(null, "/app/x"));
        }

        // Tokens this cluster did not sign as it signs them are refused everywhere.
        String forged = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        KeyPair other = generator.generateKeyPair();
        String otherKey = sign(other, "alice", 1, System.currentTimeMillis() + 60_000);
        String expired = sign(pair, "alice", 1, System.currentTimeMillis() - 60_000);
        for (String bad : List.of(forged, otherKey, expired, "not-a-token")) {
          assertEquals(INVALID, atLeader.get(bad, "/app/x"), bad);
          assertEquals(INVALID, atFollower.put(bad, "/app/x", "2"), bad);
        }

        ctl(first, "--user=root:rootpw", "role", "revoke-permission", "app", "/app/", "/app0");
        for (GrpcAuthClient c : List.of(atLeader, atFollower)) {
          awaitAnswer(OLD, () -> c.get(token, "/app/x"));
          assertEquals(OLD, c.put(token, "/rw", "x"));
          String fresh = c.authenticate("alice", "apw");
          assertEquals(DENIED, c.get(fresh, "/app/x"));
        }
      }

      // A follower restarted over its data dir has the auth store it applied.
      ctl(first, "--user=root:rootpw", "role", "grant-permission", "app", "--prefix", "read", "/app/");
      follower = cluster.restart(ms.indexOf(follower));
      try (GrpcAuthClient again = new GrpcAuthClient(port(follower))) {
        String token = again.authenticate("alice", "apw");
        awaitAnswer("OK 1", () -> again.get(token, "/app/x"));
        assertEquals(DENIED, again.put(token, "/app/x", "3"));
        assertEquals("INVALID_ARGUMENT etcdserver: authentication failed, invalid user ID or password",
            again.authenticateOutcome("alice", "wrong"));
      }
      assertEquals("alice\nroot", ctl(follower, "--user=root:rootpw", "user", "list").stdout().trim());
    }
  }

  private static String sign(KeyPair key, String user, long revision, long expiresAtMillis) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder()
        .claim("username", user).claim("revision", revision).expirationTime(new Date(expiresAtMillis)).build());
    jwt.sign(new RSASSASigner(key.getPrivate()));
    return jwt.serialize();
  }
}
