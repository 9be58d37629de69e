package io.akkaetcd.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.akkaetcd.api.KeyValue;
import io.akkaetcd.storage.BoltWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A snapshot from a newer etcd (3.6 writes a storageVersion into the meta bucket), restored with etcdctl 3.4
 * (which copies the bbolt file as it is): the member refuses to start on it, naming the file and offset, with
 * a non-zero exit, and leaves every file of the dir as it was and creates none of its own.
 */
class NewerEtcdSnapshotTest {

  private static byte[] revision(long main) {
    return ByteBuffer.allocate(17).putLong(main).put((byte) '_').putLong(0).array();
  }

  /** Every file's path and content, hashed: what "nothing overwritten" compares. */
  static byte[] treeDigest(Path dir) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted().toList()) {
        sha.update(dir.relativize(p).toString().getBytes(UTF_8));
        if (Files.isRegularFile(p)) {
          sha.update(Files.readAllBytes(p));
        }
      }
    }
    return sha.digest();
  }

  @Test
  void aRestoredSnapshotOfANewerEtcdIsRefusedAndNothingIsWritten() throws Exception {
    Path dir = Files.createTempDirectory("akka-etcd-newer");
    try {
      Path snapshot = dir.resolve("newer.db");
      try (BoltWriter bolt = BoltWriter.create(snapshot)) {
        bolt.bucket("key");
        bolt.put(revision(2), KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("a"))
            .setValue(ByteString.copyFromUtf8("1")).setCreateRevision(2).setModRevision(2).setVersion(1)
            .build().toByteArray());
        bolt.bucket("meta");
        bolt.put("storageVersion".getBytes(UTF_8), "3.6.0".getBytes(UTF_8));
        bolt.finish();
      }
      Path data = dir.resolve("restored");
      // A hand-written bolt file carries no sha256 trailer, as one copied out of a data dir.
      Etcdctl.Result restore = Etcdctl.run("http://127.0.0.1:1", null, "snapshot", "restore", snapshot.toString(),
          "--data-dir", data.toString(), "--skip-hash-check");
      assertEquals(0, restore.exitCode(), restore.stderr());
      byte[] before = treeDigest(data);

      try (ProcessMember ours = new ProcessMember(data, RealEtcd.freePort(), RealEtcd.freePort())) {
        ours.launch();
        assertNotEquals(0, ours.awaitExit(60), ours.output());
        String out = ours.output();
        assertTrue(out.contains(data.resolve("member").resolve("snap").resolve("db") + " at offset 0")
            && out.contains("written by a newer etcd (storage version 3.6.0)"), out);
      }
      assertFalse(Files.exists(data.resolve("member").resolve("kv")), "no store of its own is created");
      assertArrayEquals(before, treeDigest(data), "etcd's files are left as they were");
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
