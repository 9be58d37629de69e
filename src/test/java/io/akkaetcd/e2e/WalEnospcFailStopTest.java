package io.akkaetcd.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A journal write that fails for real: the leader's --wal-dir is a 24 MiB tmpfs, mounted in a mount namespace
 * of its own (unshare -m), that its writes fill until the journal's write fails with ENOSPC (the journal
 * checks the free space first: LevelDB, writing through mmap, would die of SIGBUS on a full disk, as this test
 * found). The leader logs the failure, fail-stops with status 1, and the other two go on: they elect a leader, take writes, and hold
 * every write that was acknowledged (a write is acknowledged only once committed, that is durable on a
 * quorum, whatever became of the leader's own copy). Needs root and mount namespaces; skipped, and says so,
 * where they are not to be had.
 */
class WalEnospcFailStopTest {
  private static final int VALUE_BYTES = 64 * 1024;
  /** The journal's own reserve (WalJournal.RESERVE_BYTES, 16 MiB) and 8 MiB to fill. */
  private static final String TMPFS_SIZE = "24m";

  /** Whether this process may make a mount namespace and mount a tmpfs in it (root, unshare, mount). */
  private static String cannotMountTmpfs() throws Exception {
    Path probe = Files.createTempDirectory("akka-etcd-tmpfs-probe");
    try {
      Process p = new ProcessBuilder("unshare", "-m", "sh", "-c",
          "mount -t tmpfs -o size=1m tmpfs \"$0\" && touch \"$0/x\"", probe.toString())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), UTF_8);
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0 ? null : "unshare -m / mount -t tmpfs: " + out;
    } catch (java.io.IOException e) {
      return e.toString();
    } finally {
      Files.deleteIfExists(probe.resolve("x")); // only if the mount leaked out, which it must not
      Files.delete(probe);
    }
  }

  @Test
  void aLeaderWhoseJournalFillsItsDiskFailStopsAndTheOthersGoOnWithEveryAcknowledgedWrite() throws Exception {
    String why = cannotMountTmpfs();
    assumeTrue(why == null, "skipped: this environment cannot mount a tmpfs in a mount namespace: " + why);
    Path walDir = Files.createTempDirectory("akka-etcd-small-wal");
    // Member 0's journal alone lives on the small tmpfs (its store and everything else on the ordinary disk).
    try (ProcessCluster cluster = new ProcessCluster(3, i -> i == 0
        ? List.of("unshare", "-m", "sh", "-c",
            "mount -t tmpfs -o size=" + TMPFS_SIZE + " tmpfs \"$0\" && exec \"$@\"", walDir.toString())
        : List.of())) {
      ProcessMember full = cluster.members.get(0);
      full.withFlags("--wal-dir", walDir.toString());
      cluster.start(240); // three JVMs starting at once have taken over 2 minutes on this loaded machine
      List<ProcessMember> others = cluster.members.subList(1, 3);
      // Make it the leader: its own write failing is the case where an acknowledgement could go wrong.
      long fullId = ProcessCluster.memberIdOf(full);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (ProcessCluster.leaderSeenBy(full) != fullId && System.nanoTime() < deadline) {
        Etcdctl.run(cluster.endpoints(), null, "--command-timeout=30s", "move-leader", Long.toHexString(fullId));
      }
      assertEquals(fullId, ProcessCluster.leaderSeenBy(full), "the member with the small journal leads");

      Set<String> acknowledged = ConcurrentHashMap.newKeySet();
      // Random, so that LevelDB's compression cannot shrink it: each entry takes its 64 KiB of the journal.
      byte[] random = new byte[VALUE_BYTES * 3 / 4];
      new java.util.Random(7).nextBytes(random);
      String value = java.util.Base64.getEncoder().encodeToString(random);
      try (Client client = Client.builder().endpoints(full.endpoint()).build()) {
        Semaphore inflight = new Semaphore(4);
        List<CompletableFuture<?>> puts = new ArrayList<>();
        // 8 MiB hold fewer than 128 such entries; the bound only stops a member that never fails.
        writing:
        for (int i = 0; i < 2000 && full.isAlive(); i++) {
          String key = String.format("f/%05d", i);
          while (!inflight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            if (!full.isAlive()) {
              break writing; // what is still in flight went to a member that is gone
            }
          }
          puts.add(client.getKVClient().put(ByteSequence.from(key, UTF_8), ByteSequence.from(value, UTF_8))
              .whenComplete((r, e) -> {
                if (e == null) {
                  acknowledged.add(key);
                }
                inflight.release();
              }));
        }
        Integer status = full.awaitExit(60L);
        assertEquals(Integer.valueOf(1), status, "the member fail-stops with status 1:\n" + full.output());
        // Puts still out when the member died fail (or are still being retried by the client): never counted.
        long putsDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (CompletableFuture<?> put : puts) {
          try {
            put.get(Math.max(1, putsDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          } catch (Exception unacknowledged) {
            // not acknowledged
          }
        }
      }
      Set<String> acked = Set.copyOf(acknowledged);
      String log = full.output();
      assertTrue(log.contains("WAL: journal write of event") && log.contains("No space left on device"), log);
      assertTrue(log.contains("fail-stop: the WAL actor (journal) failed; exiting with status 1"), log);
      assertTrue(!acked.isEmpty(), "some writes were acknowledged before the journal filled up");

      // The other two go on: a new leader, new writes, and every acknowledged write on both.
      String survivors = others.get(0).endpoint() + "," + others.get(1).endpoint();
      // The leader is gone: the two elect another first (a put meanwhile times out, as etcd's would).
      long electionDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      Etcdctl.Result after = Etcdctl.run(survivors, null, "--command-timeout=30s", "put", "after", "enospc");
      while (after.exitCode() != 0 && System.nanoTime() < electionDeadline) {
        after = Etcdctl.run(survivors, null, "--command-timeout=30s", "put", "after", "enospc");
      }
      assertEquals(0, after.exitCode(), after.stderr());
      for (ProcessMember m : others) {
        try (Client client = Client.builder().endpoints(m.endpoint()).build()) {
          // Linearizable: everything committed before is applied on this member when it answers.
          List<String> held = new ArrayList<>();
          client.getKVClient().get(ByteSequence.from("f/", UTF_8), GetOption.builder().isPrefix(true).withKeysOnly(true)
              .build()).get(30, TimeUnit.SECONDS).getKvs().forEach(kv -> held.add(kv.getKey().toString(UTF_8)));
          assertTrue(held.containsAll(acked), m.name() + " lacks acknowledged writes: acknowledged "
              + acked.size() + ", held " + held.size());
        }
      }
      System.out.printf("WAL-ENOSPC: %d writes of %d KiB acknowledged before the leader's %s journal filled%n",
          acked.size(), VALUE_BYTES / 1024, TMPFS_SIZE);
    } finally {
      Files.deleteIfExists(walDir.resolve("raft-journal")); // the tmpfs lived and died with the member's namespace
      Files.deleteIfExists(walDir);
    }
  }
}
