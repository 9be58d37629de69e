package io.akkaetcd.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.GetOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Three members in separate JVMs, started by bin/etcd with etcd's flags, killed and paused for real.
 * Election timeout is etcd's default, 1 s.
 */
class ClusterFailoverTest {

  private static ByteSequence bs(String s) {
    return ByteSequence.from(s, UTF_8);
  }

  @Test
  void killingTheLeaderWhileClientsWriteLosesNoAcknowledgedWrite() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster(3)) {
      cluster.start();
      Map<Long, ProcessMember> byId = new HashMap<>();
      cluster.members.forEach(m -> byId.put(ProcessCluster.memberIdOf(m), m));
      long leaderId = ProcessCluster.leaderSeenBy(cluster.members.get(0));
      ProcessMember leader = byId.get(leaderId);

      Map<String, String> acknowledged = new ConcurrentHashMap<>();
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicInteger next = new AtomicInteger();
      Thread writer;
      try (Client client = cluster.client()) {
        KV kv = client.getKVClient();
        Semaphore inFlight = new Semaphore(16);
        writer = new Thread(() -> {
          while (writing.get()) {
            try {
              inFlight.acquire();
            } catch (InterruptedException e) {
              return;
            }
            String key = "fo/" + next.getAndIncrement();
            kv.put(bs(key), bs("v-" + key)).orTimeout(15, TimeUnit.SECONDS).whenComplete((r, e) -> {
              if (e == null) {
                acknowledged.put(key, "v-" + key);
              }
              inFlight.release();
            });
          }
        }, "writer");
        writer.start();
        awaitAcks(acknowledged, 200);

        leader.kill();
        long killedAt = System.nanoTime();
        long newLeader = -1;
        while (System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(20)) {
          long a = -2;
          long b = -3;
          int i = 0;
          for (ProcessMember m : cluster.members) {
            if (m == leader) {
              continue;
            }
            if (i++ == 0) {
              a = ProcessCluster.leaderSeenBy(m);
            } else {
              b = ProcessCluster.leaderSeenBy(m);
            }
          }
          // IDs are unsigned 64-bit: half of them are negative as a long. -1 means "no answer".
          if (a == b && a != 0 && a != -1 && a != leaderId) {
            newLeader = a;
            break;
          }
          Thread.sleep(20);
        }
        long failoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        System.out.println("FAILOVER: survivors agreed on a new leader " + failoverMillis + " ms after kill -9 of the leader");
        assertNotEquals(-1, newLeader, "the survivors elected a new leader");
        // Two election timeouts (2 s) as the issue asks, plus slack for three JVMs sharing 2 cores.
        assertTrue(failoverMillis < 4_000, "failover took " + failoverMillis + " ms");

        int before = acknowledged.size();
        awaitAcks(acknowledged, before + 100);
        writing.set(false);
        writer.join(20_000);
        inFlight.acquire(16);

        var stored = kv.get(bs("fo/"), GetOption.builder().isPrefix(true).build()).get(20, TimeUnit.SECONDS);
        Map<String, String> present = new HashMap<>();
        stored.getKvs().forEach(k -> present.put(k.getKey().toString(UTF_8), k.getValue().toString(UTF_8)));
        for (var e : acknowledged.entrySet()) {
          assertEquals(e.getValue(), present.get(e.getKey()), "acknowledged write lost: " + e.getKey());
        }
      }

      // The killed member restarts from its WAL and catches up from the new leader.
      leader.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      long seen = -1;
      try (Client c = Client.builder().endpoints(leader.endpoint()).build()) {
        while (System.nanoTime() < deadline) {
          seen = c.getKVClient().get(bs("fo/"), GetOption.builder().isPrefix(true).withSerializable(true)
              .withCountOnly(true).build()).get(5, TimeUnit.SECONDS).getCount();
          if (seen >= acknowledged.size()) {
            break;
          }
          Thread.sleep(100);
        }
      }
      assertTrue(seen >= acknowledged.size(), "restarted member caught up: " + seen + " of " + acknowledged.size());
    }
  }

  @Test
  void aMinorityCommitsNothingAndTheClusterRecoversWhenHealed() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster(3)) {
      cluster.start();
      ProcessMember lone = cluster.members.get(0);
      cluster.members.get(1).pause();
      cluster.members.get(2).pause();
      try {
        Etcdctl.Result put = Etcdctl.run(lone.endpoint(), null, "--command-timeout=3s", "put", "split", "brain");
        assertNotEquals(0, put.exitCode(), "one member of three cannot commit: " + put.stdout() + put.stderr());
        Etcdctl.Result get = Etcdctl.run(lone.endpoint(), null, "--command-timeout=3s", "get", "split");
        assertNotEquals(0, get.exitCode(), "nor serve a linearizable read");
      } finally {
        cluster.members.get(1).resume();
        cluster.members.get(2).resume();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      Etcdctl.Result put;
      do {
        put = Etcdctl.run(lone.endpoint(), null, "put", "healed", "yes");
      } while (put.exitCode() != 0 && System.nanoTime() < deadline);
      assertEquals(0, put.exitCode(), put.stderr());
      assertEquals("healed\nyes\n", Etcdctl.run(cluster.members.get(2).endpoint(), null, "get", "healed").stdout());
    }
  }

  private static void awaitAcks(Map<String, String> acknowledged, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (acknowledged.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(acknowledged.size() >= count, "acks: " + acknowledged.size() + " of " + count);
  }
}
