package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Moving from etcd: real etcd 3.4 writes keys (overwritten and deleted, so revisions and versions differ)
 * and a lease; then (1) the restore workflow of etcd's docs (`snapshot save`, `snapshot restore` into three
 * dirs with --initial-cluster) ends in a three-member cluster serving every key at its revision; (2) a
 * member started on etcd's own data dir serves the same keys at the same revisions, with etcd's member and
 * cluster IDs, leaving etcd's files as they were; (3) a damaged etcd dir is refused naming the file and
 * offset, with nothing created in it.
 */
class EtcdMigrationTest {
  private static final Pattern KVS = Pattern.compile("\"kvs\":(\\[.*\\])");

  /** Writes through etcdctl: revisions 2..6 (a, b, a again, l with a lease, b deleted). */
  private static String writeSample(String endpoint) {
    assertEquals(0, Etcdctl.run(endpoint, null, "put", "a", "1").exitCode());
    assertEquals(0, Etcdctl.run(endpoint, null, "put", "b", "2").exitCode());
    assertEquals(0, Etcdctl.run(endpoint, null, "put", "a", "3").exitCode());
    Etcdctl.Result grant = Etcdctl.run(endpoint, null, "lease", "grant", "600");
    Matcher lease = Pattern.compile("lease (\\w+) granted").matcher(grant.stdout());
    assertTrue(lease.find(), grant.stdout() + grant.stderr());
    assertEquals(0, Etcdctl.run(endpoint, null, "put", "--lease=" + lease.group(1), "l", "x").exitCode());
    assertEquals(0, Etcdctl.run(endpoint, null, "del", "b").exitCode());
    return lease.group(1);
  }

  private static String kvs(String endpoint) {
    String json = Etcdctl.run(endpoint, null, "get", "--prefix", "", "-w", "json", "--consistency=s").stdout();
    Matcher m = KVS.matcher(json);
    assertTrue(m.find(), json);
    return m.group(1);
  }

  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(json);
    assertTrue(m.find(), json);
    return m.group(1);
  }

  @Test
  void restoreWorkflowOfEtcdsDocsFormsTheClusterWithEveryKeyAtItsRevision() throws Exception {
    Path dir = Files.createTempDirectory("restore-test");
    try (ProcessCluster cluster = new ProcessCluster(3)) {
      String expected;
      String lease;
      Path snapshot = dir.resolve("snapshot.db");
      try (RealEtcd etcd = RealEtcd.start()) {
        lease = writeSample(etcd.endpoint());
        expected = kvs(etcd.endpoint());
        Etcdctl.Result save = Etcdctl.run(etcd.endpoint(), null, "snapshot", "save", snapshot.toString());
        assertEquals(0, save.exitCode(), save.stderr());
      }
      for (ProcessMember m : cluster.members) {
        Etcdctl.Result restore = Etcdctl.run("http://127.0.0.1:1", null, "snapshot", "restore", snapshot.toString(),
            "--name", m.name(), "--data-dir", cluster.root().resolve(m.name()).toString(),
            "--initial-cluster", cluster.initialCluster(), "--initial-cluster-token", "etcd-cluster",
            "--initial-advertise-peer-urls", m.peerUrl());
        assertEquals(0, restore.exitCode(), restore.stderr());
      }
      cluster.start(120);
      for (ProcessMember m : cluster.members) {
        assertEquals(expected, kvs(m.endpoint()), m.name() + "\n" + cluster.logs());
        assertTrue(Etcdctl.run(m.endpoint(), null, "lease", "list").stdout().contains(lease), m.name());
      }
      String members = Etcdctl.run(cluster.members.get(0).endpoint(), null, "member", "list").stdout();
      for (ProcessMember m : cluster.members) {
        assertTrue(members.contains(m.name() + ", " + m.peerUrl()), members);
      }
      String put = Etcdctl.run(cluster.endpoints(), null, "put", "after", "restore", "-w", "json").stdout();
      assertEquals("7", field(put, "revision"), put);
    } finally {
      delete(dir);
    }
  }

  @Test
  void startsOnRealEtcdsDataDirWithItsRevisionsAndIdsAndRefusesADamagedOne() throws Exception {
    Path dir = Files.createTempDirectory("etcd-dir-test");
    Path data = dir.resolve("etcd.data");
    try {
      String expected;
      String status;
      String lease;
      try (RealEtcd etcd = RealEtcd.start("--data-dir=" + data)) {
        lease = writeSample(etcd.endpoint());
        assertEquals(0, Etcdctl.run(etcd.endpoint(), null, "user", "add", "root:secret").exitCode());
        assertEquals(0, Etcdctl.run(etcd.endpoint(), null, "role", "add", "reader").exitCode());
        expected = kvs(etcd.endpoint());
        status = Etcdctl.run(etcd.endpoint(), null, "get", "a", "-w", "json").stdout();
      }
      Path badCrc = copy(data, dir.resolve("bad-crc"));
      Path wal = Files.list(badCrc.resolve("member/wal")).filter(p -> p.toString().endsWith(".wal")).findFirst()
          .orElseThrow();
      byte[] walBytes = Files.readAllBytes(wal);
      walBytes[200] ^= 0x10; // inside the first records (crc, metadata, snapshot, then entries)
      Files.write(wal, walBytes);
      Path truncated = copy(data, dir.resolve("truncated"));
      Path db = truncated.resolve("member/snap/db");
      byte[] dbBytes = Files.readAllBytes(db);
      Files.write(db, java.util.Arrays.copyOf(dbBytes, dbBytes.length / 2));
      byte[] dbBefore = sha256(data.resolve("member/snap/db"));

      try (ProcessMember ours = new ProcessMember(data, RealEtcd.freePort(), RealEtcd.freePort())) {
        ours.start();
        assertEquals(expected, kvs(ours.endpoint()), ours.output());
        String after = Etcdctl.run(ours.endpoint(), null, "get", "a", "-w", "json").stdout();
        assertEquals(field(status, "cluster_id"), field(after, "cluster_id"));
        assertEquals(field(status, "member_id"), field(after, "member_id"));
        assertEquals(field(status, "revision"), field(after, "revision"));
        assertTrue(Etcdctl.run(ours.endpoint(), null, "lease", "list").stdout().contains(lease));
        String put = Etcdctl.run(ours.endpoint(), null, "put", "next", "v", "-w", "json").stdout();
        assertEquals(Long.parseLong(field(status, "revision")) + 1, Long.parseLong(field(put, "revision")), put);
      }
      assertArrayEquals(dbBefore, sha256(data.resolve("member/snap/db")), "etcd's db is left as it was");
      // Users and roles are kept, in etcd's encodings, where the Auth service reads them ('U', 'R').
      try (io.akkaetcd.storage.LevelDbBackend kv = io.akkaetcd.storage.LevelDbBackend.open(data.resolve("member/kv"))) {
        byte[] user = kv.get("Uroot".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("root", io.akkaetcd.api.User.parseFrom(user).getName().toStringUtf8());
        assertTrue(kv.get("Rreader".getBytes(java.nio.charset.StandardCharsets.UTF_8)) != null);
      }

      for (Path bad : new Path[] {badCrc, truncated}) {
        byte[] badBefore = NewerEtcdSnapshotTest.treeDigest(bad);
        try (ProcessMember ours = new ProcessMember(bad, RealEtcd.freePort(), RealEtcd.freePort())) {
          ours.launch();
          assertNotEquals(0, ours.awaitExit(60), ours.output());
          String out = ours.output();
          assertTrue(out.contains(bad.resolve("member").toString()) && out.contains("at offset"), out);
          assertTrue(out.contains("CRC mismatch") || out.contains("undecodable") || out.contains("truncated"), out);
          assertFalse(Files.exists(bad.resolve("member/kv")), "nothing is created in a refused dir");
        }
        assertArrayEquals(badBefore, NewerEtcdSnapshotTest.treeDigest(bad), "nothing is changed in a refused dir");
      }
    } finally {
      delete(dir);
    }
  }

  private static Path copy(Path from, Path to) throws Exception {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return to;
  }

  private static byte[] sha256(Path file) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
  }

  private static void delete(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
