package io.akkaetcd.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A follower that was down (SIGSTOP) while 200 MiB were written (1 KiB values, {@code --snapshot-count
 * 10000}, so the leader's log was compacted far past it) catches up by a streamed snapshot with every key, and
 * neither the leader nor the follower holds the store in memory to do it: each runs with a heap smaller than
 * the store (-Xmx192m), and neither's RSS grows by the store's size during the transfer (asserted).
 *
 * <p>{@code -Dakkaetcd.largeSnapshotMiB=N} changes the size written (200 by default; the assertions hold
 * their meaning only while the store is larger than the heap).
 */
class LargeSnapshotCatchUpTest {
  private static final int VALUE_BYTES = 1024;
  private static final int MIB = 1 << 20;
  private static final int KEYS = Integer.getInteger("akkaetcd.largeSnapshotMiB", 200) * (MIB / VALUE_BYTES);
  private static final int WRITERS = 16;
  /**
   * The members' heap: below the (default) store's 200 MiB, above what a member holds live under this
   * test's load (the key index, and up to --snapshot-count entries of 8 puts each of the Raft log in memory).
   */
  private static final int HEAP_MIB = 192;
  private static final int INFLIGHT_PER_WRITER = 16;
  /** Up to 8 puts a txn, keeping at least 20,000 Raft entries: twice the snapshot count of 10,000. */
  private static final int PUTS_PER_TXN = Math.max(1, Math.min(8, KEYS / 20_000));

  private static ByteSequence key(String prefix, int i) {
    return ByteSequence.from(String.format("%s%07d", prefix, i), UTF_8);
  }

  private static ByteSequence key(int i) {
    return key("big/", i);
  }

  private static String value(int i) {
    String head = String.format("%07d:", i);
    return head + "x".repeat(VALUE_BYTES - head.length());
  }

  @Test
  void followerBehindA200MiBStoreCatchesUpByStreamedSnapshot() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster(3, "--snapshot-count", "10000")) {
      // A heap smaller than the store: a member that held the store in memory to send or take it would run
      // out of heap (and exit: -XX:+ExitOnOutOfMemoryError), and G1 cannot grow the heap past it, so RSS
      // growth below is what the transfer costs and can be asserted. The launcher's JAVA_OPTS stay as they
      // are; the java launcher adds JDK_JAVA_OPTIONS to them.
      cluster.members.forEach(m -> m.withEnv("JDK_JAVA_OPTIONS", "-Xmx" + HEAP_MIB + "m"));
      cluster.start();
      for (ProcessMember m : cluster.members) {
        assertTrue(m.output().contains("Picked up JDK_JAVA_OPTIONS: -Xmx" + HEAP_MIB + "m"), m.output());
      }
      ProcessCluster.LeaderAndFollower roles = cluster.leaderAndFollower();
      ProcessMember leader = roles.leader();
      ProcessMember follower = roles.follower();
      // Warm every member up first (a JVM's heap and LevelDB's cache grow with its first heavy work), so
      // the follower's growth below is what the transfer costs, not a cold JVM warming up.
      write(leader, "warm/", KEYS / 10);
      awaitCount(follower, "warm/", KEYS / 10, cluster);
      follower.pause();

      // RSS of both, every 100 ms, from the big write until the follower has caught up.
      List<long[]> samples = Collections.synchronizedList(new ArrayList<>());
      ProcessMember lead = leader;
      ProcessMember behind = follower;
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(() -> {
        try {
          samples.add(new long[] {System.currentTimeMillis(), lead.rssBytes(), behind.rssBytes(),
              lead.memoryStatus("RssAnon"), behind.memoryStatus("RssAnon")});
        } catch (Exception e) {
          // the process is between states; the next sample counts
        }
      }, 0, 100, TimeUnit.MILLISECONDS);
      long writeStart = System.nanoTime();
      write(leader, "big/", KEYS);
      double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
      assertTrue(leader.output().contains("compacted raft log"), "the leader compacted its log");

      Thread.sleep(1000); // a second of samples before it resumes: the follower's baseline
      long resumedAt = System.currentTimeMillis();
      follower.resume();
      try (Client followerClient = Client.builder().endpoints(follower.endpoint()).build()) {
        awaitCount(follower, "big/", KEYS, cluster);
        sampler.shutdown();
        sampler.awaitTermination(5, TimeUnit.SECONDS);
        try (Client leaderClient = Client.builder().endpoints(leader.endpoint()).build()) {
          checkSample(leaderClient, followerClient);
        }
      }
      Instant received = logTime(follower, "receiving a snapshot");
      Instant restored = logTime(follower, "restored the store from a leader's snapshot");
      assertTrue(leader.output().contains("delivered to"), "the leader heard the follower installed it");
      // Baselines: the leader's working size, its peak while it took the 200 MiB of writes (a single
      // sample just before the transfer can catch G1 having shrunk an idle heap: 241 MiB of "growth" was
      // seen so, under load); the follower's last sample before it
      // resumed (its working size: once resumed, G1's periodic collection of an idle heap shrinks it for a
      // moment, which is no baseline). Peaks: while the chunks travelled, from the follower's first until
      // it staged the last. Then come the
      // install (reopening the store over the new content, as a restart opens it) and the ordinary
      // catch-up from the log (up to snapshot-count entries, held in memory): reported, not asserted.
      Instant staged = logTime(follower, "staged all");
      long from = received.toEpochMilli();
      long to = staged.toEpochMilli();
      long[] before = null;
      long leaderWorking = 0;
      long[] paused = null;
      long[] peak = new long[5];
      long[] overall = new long[5];
      synchronized (samples) {
        for (long[] sample : samples) {
          if (sample[0] < from) {
            before = sample;
            leaderWorking = Math.max(leaderWorking, sample[1]);
          }
          if (sample[0] < resumedAt) {
            paused = sample;
          }
          for (int f = 1; f < 5; f++) {
            overall[f] = Math.max(overall[f], sample[f]);
            if (sample[0] >= from && sample[0] <= to) {
              peak[f] = Math.max(peak[f], sample[f]);
            }
          }
        }
      }
      assertTrue(before != null && paused != null, "samples before the follower resumed");
      long leaderAfter = leader.rssBytes();
      long followerAfter = follower.rssBytes();
      System.out.printf("LARGE-SNAPSHOT: %d keys of %d B (%d MiB) written in %.1f s; snapshot streamed and staged"
              + " in %.1f s, installed %.1f s later%n", KEYS, VALUE_BYTES, (long) KEYS * VALUE_BYTES / MIB,
          writeSeconds, Duration.between(received, staged).toMillis() / 1e3,
          Duration.between(staged, restored).toMillis() / 1e3);
      System.out.printf("LARGE-SNAPSHOT: RSS (RssAnon) MiB before / peak while streaming / peak until caught up"
              + " / after: leader %d (%d) / %d (%d) / %d (%d) / %d; follower (paused %d) %d (%d) / %d (%d) / %d (%d)"
              + " / %d%n",
          before[1] / MIB, before[3] / MIB, peak[1] / MIB, peak[3] / MIB, overall[1] / MIB, overall[3] / MIB,
          leaderAfter / MIB, paused[2] / MIB, before[2] / MIB, before[4] / MIB, peak[2] / MIB, peak[4] / MIB,
          overall[2] / MIB,
          overall[4] / MIB, followerAfter / MIB);
      long leaderBefore = leaderWorking;
      long followerBefore = paused[2];
      long leaderPeak = peak[1];
      long followerPeak = peak[2];
      long storeBytes = (long) KEYS * VALUE_BYTES;
      System.out.printf("LARGE-SNAPSHOT: RSS growth while streaming: leader %d MiB (over its working size), "
          + "follower %d MiB (over its paused size), heap -Xmx%dm, store %d MiB%n", (leaderPeak - leaderBefore) / MIB,
          (followerPeak - followerBefore) / MIB, HEAP_MIB, storeBytes / MIB);
      assertTrue(leaderPeak - leaderBefore < storeBytes, "the leader's RSS grew by less than the store's size");
      assertTrue(followerPeak - followerBefore < storeBytes, "the follower's RSS grew by less than the store's size");
    }
  }

  private static final DateTimeFormatter LOG_TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX");

  /** When the member logged a line containing {@code text}: etcd's JSON lines ("ts") or plain lines (leading ISO instant). */
  private static Instant logTime(ProcessMember m, String text) throws Exception {
    for (String line : m.output().split("\n")) {
      if (line.contains(text)) {
        String ts = line.startsWith("{") ? new ObjectMapper().readTree(line).path("ts").asText()
            : line.substring(0, line.indexOf(' '));
        return OffsetDateTime.parse(ts, LOG_TS).toInstant();
      }
    }
    throw new AssertionError(m.name() + " never logged \"" + text + "\":\n" + m.output());
  }

  /**
   * Many clients with many requests in flight each; a request is a txn of {@link #PUTS_PER_TXN} puts so
   * that 200,000 keys take seconds on a loaded machine (still over 10,000 Raft entries: the log compacts).
   */
  private static void write(ProcessMember leader, String prefix, int keys) throws Exception {
    List<Client> clients = new ArrayList<>();
    List<CompletableFuture<Void>> writers = new ArrayList<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    ExecutorService threads = Executors.newFixedThreadPool(WRITERS);
    try {
      int txns = (keys + PUTS_PER_TXN - 1) / PUTS_PER_TXN;
      for (int w = 0; w < WRITERS; w++) {
        Client c = Client.builder().endpoints(leader.endpoint()).build();
        clients.add(c);
        int writer = w;
        writers.add(CompletableFuture.runAsync(() -> {
          Semaphore inflight = new Semaphore(INFLIGHT_PER_WRITER);
          try {
            for (int t = writer; t < txns && failure.get() == null; t += WRITERS) {
              List<Op> puts = new ArrayList<>();
              for (int i = t * PUTS_PER_TXN; i < Math.min(keys, (t + 1) * PUTS_PER_TXN); i++) {
                puts.add(Op.put(key(prefix, i), ByteSequence.from(value(i), UTF_8), PutOption.DEFAULT));
              }
              inflight.acquire();
              c.getKVClient().txn().Then(puts.toArray(Op[]::new)).commit().whenComplete((r, e) -> {
                if (e != null) {
                  failure.compareAndSet(null, e);
                }
                inflight.release();
              });
            }
            inflight.acquire(INFLIGHT_PER_WRITER);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, threads));
      }
      CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(3, TimeUnit.MINUTES);
      if (failure.get() != null) {
        throw new AssertionError("a write failed", failure.get());
      }
    } finally {
      clients.forEach(Client::close);
      threads.shutdown();
    }
  }

  private static GetOption serializable() {
    return GetOption.newBuilder().withSerializable(true).build();
  }

  /** Waits until {@code m} holds {@code expected} keys under {@code prefix} (serializable reads: its own store). */
  private static void awaitCount(ProcessMember m, String prefix, long expected, ProcessCluster cluster)
      throws Exception {
    try (Client client = Client.builder().endpoints(m.endpoint()).build()) {
      awaitCount(client, prefix, expected, cluster);
    }
  }

  private static void awaitCount(Client client, String prefix, long expected, ProcessCluster cluster)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    long count = -1;
    while (System.nanoTime() < deadline) {
      try {
        GetResponse r = client.getKVClient().get(ByteSequence.from(prefix, UTF_8), GetOption.newBuilder()
            .isPrefix(true).withCountOnly(true).withSerializable(true).build()).get(5, TimeUnit.SECONDS);
        count = r.getCount();
        if (count == expected) {
          return;
        }
      } catch (Exception e) {
        // not serving yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the follower holds " + count + " of " + expected + " keys\n" + cluster.logs());
  }

  /** A sample of keys reads the same value and revisions on the follower as on the leader. */
  private static void checkSample(Client leader, Client follower) throws Exception {
    SplittableRandom random = new SplittableRandom(42);
    for (int n = 0; n < 200; n++) {
      int i = random.nextInt(KEYS);
      KeyValue expected = leader.getKVClient().get(key(i), serializable()).get(5, TimeUnit.SECONDS).getKvs().get(0);
      List<KeyValue> got = follower.getKVClient().get(key(i), serializable()).get(5, TimeUnit.SECONDS).getKvs();
      assertEquals(1, got.size(), "key " + i);
      KeyValue kv = got.get(0);
      assertEquals(value(i), kv.getValue().toString(UTF_8));
      assertEquals(expected.getModRevision(), kv.getModRevision(), "mod revision of key " + i);
      assertEquals(expected.getCreateRevision(), kv.getCreateRevision(), "create revision of key " + i);
      assertEquals(expected.getVersion(), kv.getVersion(), "version of key " + i);
    }
  }
}
