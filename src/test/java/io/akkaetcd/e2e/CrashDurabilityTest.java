package io.akkaetcd.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A write is acknowledged only once it is on disk: kill -9 a member (its own JVM) while 32 clients
 * write, restart it over the same data dir, and every acknowledged write must be there.
 */
class CrashDurabilityTest {

  @Test
  void everyAcknowledgedWriteSurvivesKillDashNine() throws Exception {
    Path dir = ProcessMember.tempDataDir();
    int clientPort = RealEtcd.freePort();
    int peerPort = RealEtcd.freePort();
    Map<String, String> acknowledged = new ConcurrentHashMap<>();
    try (ProcessMember member = new ProcessMember(dir, clientPort, peerPort)) {
      member.start();
      try (Client client = Client.builder().endpoints(member.endpoint()).build()) {
        KV kv = client.getKVClient();
        AtomicInteger next = new AtomicInteger();
        Semaphore inFlight = new Semaphore(32);
        // Write until 500 acks are in (a cold JVM is slow at first), then kill mid-stream.
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acknowledged.size() < 500 && System.nanoTime() < giveUp) {
          inFlight.acquire();
          String key = "crash/" + next.getAndIncrement();
          String value = "v-" + key;
          kv.put(ByteSequence.from(key, UTF_8), ByteSequence.from(value, UTF_8)).whenComplete((r, e) -> {
            if (e == null) {
              acknowledged.put(key, value);
            }
            inFlight.release();
          });
        }
        // Killed with requests still in flight: any ack that reached us was sent before the kill.
        member.kill();
      }
      assertTrue(acknowledged.size() >= 500, "the member acknowledged writes before the kill: " + acknowledged.size());

      member.start();
      try (Client client = Client.builder().endpoints(member.endpoint()).build()) {
        GetResponse all = client.getKVClient().get(ByteSequence.from("crash/", UTF_8),
            GetOption.builder().isPrefix(true).build()).get(20, TimeUnit.SECONDS);
        Map<String, String> stored = new ConcurrentHashMap<>();
        all.getKvs().forEach(kv -> stored.put(kv.getKey().toString(UTF_8), kv.getValue().toString(UTF_8)));
        for (var e : acknowledged.entrySet()) {
          assertEquals(e.getValue(), stored.get(e.getKey()), "acknowledged write lost: " + e.getKey());
        }
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
