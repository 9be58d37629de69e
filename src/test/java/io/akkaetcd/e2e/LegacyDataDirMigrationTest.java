package io.akkaetcd.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.server.EtcdServer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A data dir written by the member before the WAL actor (commit 96e2e0c: 120 puts and a delete with
 * --snapshot-count 50, then kill -9; its Raft log in member/wal) starts on this build with every write there.
 */
class LegacyDataDirMigrationTest {
  /** The fixture's identity: member id and cluster id derive from the advertised peer URL. */
  private static final String ADVERTISED_PEER = "http://127.0.0.1:23799";

  @Test
  void anOldDataDirIsMigratedOnFirstStartAndKeepsEveryWrite() throws Exception {
    Path dir = Files.createTempDirectory("akka-etcd-legacy");
    try {
      try (InputStream fixture = LegacyDataDirMigrationTest.class.getResourceAsStream("/legacy-data-dir-96e2e0c.tar.gz")) {
        Process tar = new ProcessBuilder("tar", "-xzf", "-", "-C", dir.toString()).start();
        fixture.transferTo(tar.getOutputStream());
        tar.getOutputStream().close();
        assertEquals(0, tar.waitFor());
      }
      Path dataDir = dir.resolve("data");
      assertTrue(Files.isDirectory(dataDir.resolve("member/wal")));

      EtcdServer server = start(dataDir);
      try {
        assertFalse(Files.exists(dataDir.resolve("member/wal")), "member/wal is removed once migrated");
        assertEquals(expectedLegacyKeys(), keys(server));
        put(server, "after/migration", "x");
      } finally {
        server.close();
      }
      server = start(dataDir);
      try {
        Map<String, String> expected = expectedLegacyKeys();
        expected.put("after/migration", "x");
        Map<String, String> all = keys(server);
        all.putAll(get(server, "after/"));
        assertEquals(expected, all);
      } finally {
        server.close();
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static Map<String, String> expectedLegacyKeys() {
    Map<String, String> expected = new TreeMap<>();
    for (int i = 1; i < 120; i++) expected.put(String.format("legacy/k%03d", i), String.format("v%03d", i));
    return expected;
  }

  private static EtcdServer start(Path dataDir) throws Exception {
    String listenPeer = "http://127.0.0.1:" + RealEtcd.freePort();
    Config config = ConfigFactory.parseMap(Map.of(
            "akka-etcd.name", "default",
            "akka-etcd.data-dir", dataDir.toString(),
            "akka-etcd.listen-client-urls", "http://127.0.0.1:0",
            "akka-etcd.listen-peer-urls", listenPeer,
            "akka-etcd.initial-advertise-peer-urls", ADVERTISED_PEER,
            "akka-etcd.initial-cluster", "default=" + ADVERTISED_PEER))
        .withFallback(ConfigFactory.load());
    EtcdServer server = EtcdServer.start(MemberConfig.from(config), config);
    server.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
    return server;
  }

  private static Map<String, String> keys(EtcdServer server) throws Exception {
    return get(server, "legacy/");
  }

  private static Map<String, String> get(EtcdServer server, String prefix) throws Exception {
    try (Client client = Client.builder().endpoints("http://127.0.0.1:" + server.clientPort()).build()) {
      Map<String, String> out = new TreeMap<>();
      client.getKVClient().get(ByteSequence.from(prefix, UTF_8), GetOption.builder().isPrefix(true).build())
          .get(20, TimeUnit.SECONDS).getKvs()
          .forEach(kv -> out.put(kv.getKey().toString(UTF_8), kv.getValue().toString(UTF_8)));
      return out;
    }
  }

  private static void put(EtcdServer server, String key, String value) throws Exception {
    try (Client client = Client.builder().endpoints("http://127.0.0.1:" + server.clientPort()).build()) {
      client.getKVClient().put(ByteSequence.from(key, UTF_8), ByteSequence.from(value, UTF_8)).get(20, TimeUnit.SECONDS);
    }
  }
}
