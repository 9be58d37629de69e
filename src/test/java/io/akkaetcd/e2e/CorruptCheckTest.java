package io.akkaetcd.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.mvcc.Schema;
import io.akkaetcd.mvcc.WriteBatch;
import io.akkaetcd.server.EtcdServer;
import io.akkaetcd.storage.LevelDbBackend;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * --experimental-corrupt-check-time: a single bit changed in one member's store (written into its LevelDB
 * while it is stopped) is found by the leader's periodic HashKV comparison, which raises the CORRUPT alarm;
 * the cluster then refuses writes with etcd's "corrupt cluster".
 */
class CorruptCheckTest {

  private static ByteSequence bs(String s) {
    return ByteSequence.from(s, UTF_8);
  }

  private static Config config(Path root, int i, int[] peerPorts, int[] clientPorts) {
    String initialCluster = "";
    for (int j = 0; j < 3; j++) {
      initialCluster += (j > 0 ? "," : "") + "m" + j + "=http://127.0.0.1:" + peerPorts[j];
    }
    Map<String, Object> s = new HashMap<>();
    s.put("akka-etcd.name", "m" + i);
    s.put("akka-etcd.data-dir", root.resolve("m" + i).toString());
    s.put("akka-etcd.listen-client-urls", "http://127.0.0.1:" + clientPorts[i]);
    s.put("akka-etcd.advertise-client-urls", "http://127.0.0.1:" + clientPorts[i]);
    s.put("akka-etcd.listen-peer-urls", "http://127.0.0.1:" + peerPorts[i]);
    s.put("akka-etcd.initial-advertise-peer-urls", "http://127.0.0.1:" + peerPorts[i]);
    s.put("akka-etcd.initial-cluster", initialCluster);
    s.put("akka-etcd.experimental-corrupt-check-time", "500ms");
    return ConfigFactory.parseMap(s).withFallback(ConfigFactory.load());
  }

  private static EtcdServer start(Config c) throws Exception {
    return EtcdServer.start(MemberConfig.from(c), c);
  }

  private static long checksLogged(ListAppender<ILoggingEvent> log) {
    synchronized (log.list) {
      return log.list.stream().filter(e -> e.getFormattedMessage()
          .startsWith("finished peer corruption check: number-of-peers-checked=2")).count();
    }
  }

  private static String firstLogged(ListAppender<ILoggingEvent> log, String start) {
    synchronized (log.list) {
      return log.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith(start)).findFirst()
          .orElseThrow(() -> new AssertionError("never logged: " + start));
    }
  }

  /** The member's HashKV as etcdctl prints it (etcd's uint32). */
  private static String hashKv(String endpoint) {
    Etcdctl.Result r = Etcdctl.run(endpoint, null, "endpoint", "hashkv", "-w", "json");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"hash\":(\\d+)").matcher(r.stdout());
    assertTrue(r.exitCode() == 0 && m.find(), r.toString());
    return m.group(1);
  }

  @Test
  void aFlippedBitInOneMembersStoreRaisesTheCorruptAlarm() throws Exception {
    Path root = Files.createTempDirectory("akka-etcd-corrupt");
    int[] peerPorts = {RealEtcd.freePort(), RealEtcd.freePort(), RealEtcd.freePort()};
    int[] clientPorts = {RealEtcd.freePort(), RealEtcd.freePort(), RealEtcd.freePort()};
    Logger etcdserver = (Logger) LoggerFactory.getLogger("etcdserver");
    ListAppender<ILoggingEvent> checks = new ListAppender<>();
    checks.start();
    etcdserver.addAppender(checks);
    List<EtcdServer> members = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        members.add(start(config(root, i, peerPorts, clientPorts)));
      }
      CompletableFuture.allOf(members.stream().map(m -> m.ready().toCompletableFuture())
          .toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      String leaderEp = null;
      int victim = -1;
      try (Client c = Client.builder().endpoints("http://127.0.0.1:" + clientPorts[0]).build()) {
        for (int i = 0; i < 5; i++) {
          c.getKVClient().put(bs("k" + i), bs("value-1")).get(10, TimeUnit.SECONDS);
        }
        long leader = c.getMaintenanceClient().statusMember("http://127.0.0.1:" + clientPorts[0])
            .get(10, TimeUnit.SECONDS).getLeader();
        for (int i = 0; i < 3; i++) {
          if (members.get(i).memberId() == leader) {
            leaderEp = "http://127.0.0.1:" + clientPorts[i];
          } else {
            victim = i;
          }
        }
      }
      // Two checks of both peers have passed with equal stores, and no alarm was raised.
      long seen = checksLogged(checks);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (checksLogged(checks) < seen + 2 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(checksLogged(checks) >= seen + 2, "the leader checks its peers");
      Etcdctl.Result none = Etcdctl.run(leaderEp, null, "alarm", "list");
      assertEquals(0, none.exitCode(), none.stderr());
      assertEquals("", none.stdout().trim(), "no alarm while the stores agree");

      // Stop one follower and flip the low bit of the last byte of its newest revision (the value's last byte).
      long victimId = members.get(victim).memberId();
      members.set(victim, null).close();
      try (LevelDbBackend store = LevelDbBackend.open(root.resolve("m" + victim).resolve("member").resolve("kv"))) {
        byte[][] last = new byte[2][];
        store.scan(Schema.Bucket.KEY.start(), Schema.Bucket.KEY.end(), (k, v) -> {
          last[0] = k;
          last[1] = v;
        });
        byte[] flipped = last[1].clone();
        flipped[flipped.length - 1] ^= 1;
        WriteBatch batch = new WriteBatch();
        batch.put(last[0], flipped);
        store.write(batch, true);
      }
      // As etcd's TestEtcdCorruptHash: restarted with the initial check, it refuses to start.
      Config checked = ConfigFactory.parseMap(Map.of("akka-etcd.experimental-initial-corrupt-check", true))
          .withFallback(config(root, victim, peerPorts, clientPorts));
      Exception refused = assertThrows(Exception.class, () -> start(checked));
      assertTrue(refused.getMessage().endsWith(String.format("%x found data inconsistency with peers",
          victimId)), refused.getMessage());
      members.set(victim, start(config(root, victim, peerPorts, clientPorts)));
      members.get(victim).ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
      try (Client c = Client.builder().endpoints("http://127.0.0.1:" + clientPorts[victim]).build()) {
        String value = c.getKVClient().get(bs("k4"), GetOption.newBuilder().withSerializable(true).build())
            .get(10, TimeUnit.SECONDS).getKvs().get(0).getValue().toString(UTF_8);
        assertEquals("value-0", value, "the stopped member's store holds the flipped bit");
      }

      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      Etcdctl.Result list = Etcdctl.run(leaderEp, null, "alarm", "list");
      while (!list.stdout().contains("alarm:CORRUPT") && System.nanoTime() < deadline) {
        Thread.sleep(100);
        list = Etcdctl.run(leaderEp, null, "alarm", "list");
      }
      boolean alarmed = list.stdout().contains("alarm:CORRUPT");
      assertTrue(alarmed, "the leader's check raised the CORRUPT alarm");
      assertEquals("alarm:CORRUPT", list.stdout().trim(), "etcd's text for the alarm of member 0");
      Etcdctl.Result put = Etcdctl.run("http://127.0.0.1:" + clientPorts[victim], null, "put", "k9", "v");
      assertNotEquals(0, put.exitCode());
      assertTrue(put.stderr().contains("etcdserver: corrupt cluster"), put.stderr());

      // The hashes in the leader's log are the uint32 values etcd logs and etcdctl prints, never Java's signed int.
      String mismatch = firstLogged(checks, "same compact revision then hashes must match");
      String leaderHash = hashKv(leaderEp);
      String victimHash = hashKv("http://127.0.0.1:" + clientPorts[victim]);
      assertTrue(mismatch.contains("leader-hash=" + leaderHash + " ")
          && mismatch.contains("follower-hash=" + victimHash + " "), mismatch + " vs " + leaderHash + ", " + victimHash);
    } finally {
      etcdserver.detachAppender(checks);
      for (EtcdServer m : members) {
        if (m != null) {
          m.close();
        }
      }
      try (Stream<Path> files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
