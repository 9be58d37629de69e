package io.akkaetcd.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.api.KeyValue;
import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.storage.BoltWriter;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A crash after an import wrote the store but before the Raft log was in the WAL actor's journal (the journal
 * directory created, nothing in it): the next start hands the imported log to the Raft actor again, rather
 * than bootstrapping a fresh log beside the imported store; once the member has served, it no longer does.
 */
class ImportCrashTest {

  private static byte[] revision(long main) {
    return ByteBuffer.allocate(17).putLong(main).put((byte) '_').putLong(0).array();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void anEmptyJournalLeftByACrashAfterTheImportGetsTheImportedLog() throws Exception {
    Path dir = Files.createTempDirectory("akka-etcd-import-crash");
    try {
      Path snapshot = dir.resolve("snapshot.db");
      try (BoltWriter bolt = BoltWriter.create(snapshot)) {
        bolt.bucket("key");
        for (int rev = 2; rev <= 4; rev++) {
          bolt.put(revision(rev), KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("k" + rev))
              .setValue(ByteString.copyFromUtf8("v" + rev)).setCreateRevision(rev).setModRevision(rev).setVersion(1)
              .build().toByteArray());
        }
        bolt.bucket("meta");
        bolt.put("consistent_index".getBytes(UTF_8), new byte[8]);
        bolt.finish();
      }
      Path data = dir.resolve("m.etcd");
      int peerPort = freePort();
      String peer = "http://127.0.0.1:" + peerPort;
      Process restore = new ProcessBuilder("/usr/bin/etcdctl", "snapshot", "restore", snapshot.toString(),
          "--skip-hash-check", "--name", "m", "--data-dir", data.toString(), "--initial-cluster", "m=" + peer,
          "--initial-advertise-peer-urls", peer).redirectErrorStream(true).start();
      restore.getInputStream().readAllBytes();
      assertEquals(0, restore.waitFor());

      Map<String, Object> s = new HashMap<>();
      s.put("akka-etcd.name", "m");
      s.put("akka-etcd.data-dir", data.toString());
      s.put("akka-etcd.listen-client-urls", "http://127.0.0.1:0");
      s.put("akka-etcd.listen-peer-urls", peer);
      s.put("akka-etcd.initial-advertise-peer-urls", peer);
      s.put("akka-etcd.initial-cluster", "m=" + peer);
      Config config = ConfigFactory.parseMap(s).withFallback(ConfigFactory.load());
      MemberConfig member = MemberConfig.from(config);
      Path walDir = data.resolve("member").resolve("wal");

      DataDirStart.Stores imported = DataDirStart.open(member, walDir);
      assertTrue(imported.imported());
      assertNotNull(imported.initialLog());
      long startIndex = imported.initialLog().snapshot().index();
      imported.backend().close();
      // The crash: the WAL actor's journal was created, nothing was written into it.
      Files.createDirectories(data.resolve("member").resolve(EtcdServer.JOURNAL_DIR));

      DataDirStart.Stores again = DataDirStart.open(member, walDir);
      assertNotNull(again.initialLog(), "the imported log is handed over again");
      assertEquals(startIndex, again.initialLog().snapshot().index());
      again.backend().close();

      try (EtcdServer server = EtcdServer.start(member, config)) {
        server.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
        try (Client c = Client.builder().endpoints("http://127.0.0.1:" + server.clientPort()).build()) {
          var got = c.getKVClient().get(ByteSequence.from("k4", UTF_8)).get(30, TimeUnit.SECONDS);
          assertEquals("v4", got.getKvs().get(0).getValue().toString(UTF_8));
          assertEquals(4, got.getHeader().getRevision());
          assertEquals(5, c.getKVClient().put(ByteSequence.from("k5", UTF_8), ByteSequence.from("v5", UTF_8))
              .get(30, TimeUnit.SECONDS).getHeader().getRevision());
        }
      }
      DataDirStart.Stores served = DataDirStart.open(member, walDir);
      assertNull(served.initialLog(), "once the member has served, its journal holds the log");
      served.backend().close();
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
