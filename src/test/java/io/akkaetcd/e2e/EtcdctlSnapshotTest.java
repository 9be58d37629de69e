package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.akkaetcd.storage.BoltWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * etcd's TestCtlV3Snapshot, SnapshotCorrupt and SnapshotStatusBeforeRestore, and one step further:
 * `etcdctl snapshot save` from this member writes a bolt file that `snapshot status` reads (revision and
 * key count as the store holds them), that `snapshot restore` refuses once corrupted (the trailing
 * sha256), and whose restored data directory real etcd 3.4 starts from, serving the same keys and lease.
 */
class EtcdctlSnapshotTest {

  @Test
  void snapshotSavedHereIsReadAndRestoredByEtcdsTools() throws Exception {
    Path dir = Files.createTempDirectory("snapshot-test");
    try (TestMember ours = TestMember.start()) {
      String e = ours.endpoint();
      for (int i = 1; i <= 3; i++) {
        assertEquals(0, Etcdctl.run(e, null, "put", "k" + i, "v" + i).exitCode());
      }
      Etcdctl.Result grant = Etcdctl.run(e, null, "lease", "grant", "100");
      Matcher lease = Pattern.compile("lease (\\w+) granted").matcher(grant.stdout());
      assertTrue(lease.find(), grant.stdout() + grant.stderr());
      assertEquals(0, Etcdctl.run(e, null, "put", "--lease=" + lease.group(1), "withlease", "x").exitCode());

      Path file = dir.resolve("s.db");
      Etcdctl.Result save = Etcdctl.run(e, null, "snapshot", "save", file.toString());
      assertTrue(save.stdout().contains("Snapshot saved at " + file), save.stdout() + save.stderr());

      // 4 revisions in "key", 1 lease, "consistent_index" in "meta", authEnabled and authRevision in
      // "auth"; etcd adds the members bucket.
      String status = Etcdctl.run(e, null, "-w", "json", "snapshot", "status", file.toString()).stdout();
      assertTrue(status.contains("\"revision\":5,\"totalKey\":8,"), status);
      assertEquals(Long.parseLong(field(status, "totalSize")), Files.size(file) - 32,
          "the file is whole pages plus the 32-byte sha256");

      Path corrupt = dir.resolve("corrupt.db");
      byte[] bytes = Files.readAllBytes(file);
      Arrays.fill(bytes, 0, 512, (byte) 0);
      Files.write(corrupt, bytes);
      Etcdctl.Result refused = Etcdctl.run(e, null, "snapshot", "restore", "--data-dir",
          dir.resolve("corrupt.etcd").toString(), corrupt.toString());
      assertTrue(refused.stderr().contains("expected sha256"), refused.stderr());

      Path restored = dir.resolve("restored.etcd");
      Etcdctl.Result restore = Etcdctl.run(e, null, "snapshot", "restore", "--data-dir", restored.toString(),
          file.toString());
      assertTrue(restore.stderr().contains("added member"), restore.stderr());
      try (RealEtcd etcd = RealEtcd.start("--data-dir=" + restored)) {
        assertEquals("k1\nv1\nk2\nv2\nk3\nv3\nwithlease\nx\n",
            Etcdctl.run(etcd.endpoint(), null, "get", "--prefix", "").stdout());
        assertTrue(Etcdctl.run(etcd.endpoint(), null, "lease", "list").stdout().contains(lease.group(1)));
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /**
   * A file big enough for branch pages and an overflow page: `snapshot status` checks every page
   * (bolt's tx.Check) and hashes buckets and pairs in order with CRC-32C, which this test recomputes.
   */
  /** Users, roles, permissions and the enabled flag travel in etcd's auth buckets: real etcd enforces them. */
  @Test
  void authStateSavedHereIsEnforcedByRealEtcdAfterRestore() throws Exception {
    Path dir = Files.createTempDirectory("snapshot-auth-test");
    try (TestMember ours = TestMember.start(java.util.Map.of("akka-etcd.bcrypt-cost", 4))) {
      String e = ours.endpoint();
      for (String[] step : new String[][] {{"user", "add", "root:rootpw"}, {"role", "add", "app"},
          {"role", "grant-permission", "app", "--prefix", "read", "/app/"}, {"user", "add", "alice:apw"},
          {"user", "grant-role", "alice", "app"}, {"auth", "enable"},
          {"--user=root:rootpw", "put", "/app/x", "1"}}) {
        Etcdctl.Result r = Etcdctl.run(e, null, step);
        assertEquals(0, r.exitCode(), String.join(" ", step) + ": " + r);
      }
      Path file = dir.resolve("s.db");
      assertTrue(Etcdctl.run(e, null, "--user=alice:apw", "snapshot", "save", file.toString()).stderr()
          .contains("permission denied"), "a snapshot needs the root role");
      Etcdctl.Result save = Etcdctl.run(e, null, "--user=root:rootpw", "snapshot", "save", file.toString());
      assertTrue(save.stdout().contains("Snapshot saved at " + file), save.stdout() + save.stderr());
      Path restored = dir.resolve("restored.etcd");
      assertEquals(0, Etcdctl.run(e, null, "snapshot", "restore", "--data-dir", restored.toString(),
          file.toString()).exitCode());
      try (RealEtcd etcd = RealEtcd.start("--data-dir=" + restored)) {
        assertEquals("/app/x\n1\n", Etcdctl.run(etcd.endpoint(), null, "--user=alice:apw", "get", "/app/x").stdout());
        assertTrue(Etcdctl.run(etcd.endpoint(), null, "--user=alice:apw", "put", "/app/x", "2").stderr()
            .contains("etcdserver: permission denied"));
        assertTrue(Etcdctl.run(etcd.endpoint(), null, "get", "/app/x").stderr()
            .contains("etcdserver: user name is empty"), "auth is still enabled");
        assertEquals("alice\nroot\n", Etcdctl.run(etcd.endpoint(), null, "--user=root:rootpw", "user", "list").stdout());
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  @Test
  void largeBoltFilePassesEtcdsIntegrityCheckAndHash() throws Exception {
    Path file = Files.createTempFile("bolt", ".db");
    CRC32C hash = new CRC32C();
    int pairs = 0;
    try (BoltWriter bolt = BoltWriter.create(file)) {
      for (String bucket : new String[] {"alarm", "key", "meta"}) {
        bolt.bucket(bucket);
        hash.update(bucket.getBytes(StandardCharsets.US_ASCII));
        int count = bucket.equals("key") ? 20_000 : 0;
        for (int rev = 1; rev <= count; rev++) {
          byte[] key = ByteBuffer.allocate(17).putLong(rev).put((byte) '_').putLong(0).array();
          byte[] value = new byte[rev == 777 ? 10_000 : 100];
          Arrays.fill(value, (byte) rev);
          bolt.put(key, value);
          hash.update(key);
          hash.update(value);
          pairs++;
        }
      }
      bolt.finish();
    }
    try {
      String status = Etcdctl.run("http://127.0.0.1:1", null, "-w", "json", "snapshot", "status", file.toString())
          .stdout();
      assertEquals("{\"hash\":" + hash.getValue() + ",\"revision\":20000,\"totalKey\":" + pairs
          + ",\"totalSize\":" + Files.size(file) + "}", status.trim());
    } finally {
      Files.delete(file);
    }
  }

  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(json);
    assertTrue(m.find(), json);
    return m.group(1);
  }
}
