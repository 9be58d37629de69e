package io.akkaetcd.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.testkit.PersistenceTestKitPlugin;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.raft.Configuration;
import io.akkaetcd.raft.LogEntry;
import io.akkaetcd.raft.RaftConfig;
import io.akkaetcd.raft.Role;
import io.akkaetcd.store.PendingRequests;
import io.akkaetcd.store.StoreActor;
import io.akkaetcd.wal.WalActor;
import io.akkaetcd.wal.WalEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Raft actor over a real WAL actor (its journal Akka's persistence testkit), with time stepped by
 * hand: its ticks, not the wall clock, drive the election, and a proposal reaches the store actor as
 * committed only after it was journaled.
 */
class RaftActorTest {
  private static final long ID = 1;
  private static final Duration TICK = Duration.ofMillis(100);
  private static final int ELECTION_TICKS = 10;

  private final ActorTestKit testKit = ActorTestKit.create(ManualTime.config()
      .withFallback(PersistenceTestKitPlugin.getInstance().config()).withFallback(ConfigFactory.load()));
  private final ManualTime time = ManualTime.get(testKit.system());

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  private Role role(ActorRef<RaftActor.Command> raft) {
    TestProbe<RaftActor.RaftView> status = testKit.createTestProbe();
    raft.tell(new RaftActor.GetStatus(status.ref()));
    return status.receiveMessage().status().role();
  }

  private final TestProbe<StoreActor.Command> store = testKit.createTestProbe();
  private final PendingRequests pending = new PendingRequests(ID, 1);

  /** A brand-new single-member cluster's Raft actor over a fresh WAL actor. */
  private ActorRef<RaftActor.Command> singleMember() {
    Configuration single = new Configuration(new TreeSet<>(List.of(ID)), new TreeSet<>());
    RaftActor.Start start = new RaftActor.Start(
        new RaftConfig(ID, ELECTION_TICKS, 1, true, true, 256, 256, 1L << 20), single);
    akka.actor.ActorRef wal = ((akka.actor.ExtendedActorSystem) Adapter.toClassic(testKit.system()))
        .systemActorOf(WalActor.props(null), "wal");
    TestProbe<SnapshotSender.Command> snapshots = testKit.createTestProbe();
    return testKit.spawn(RaftActor.create(start, wal, store.ref(), snapshots.ref(),
        new PeerTransport(Adapter.toClassic(testKit.system()), 7), pending, TICK, 10_000, 1000));
  }

  @Test
  void ticksDriveTheElectionAndACommittedProposalReachesTheStore() throws Exception {
    ActorRef<RaftActor.Command> raft = singleMember();

    // A brand-new member journals the founding entries, then applies them; no time has passed, so
    // nobody has campaigned.
    StoreActor.ApplyCommitted founding = store.expectMessageClass(StoreActor.ApplyCommitted.class);
    assertEquals(1, founding.entries().size());
    assertEquals(Role.FOLLOWER, role(raft));

    // Fewer ticks than the shortest election timeout: still a follower.
    time.timePasses(TICK.multipliedBy(ELECTION_TICKS - 1));
    assertEquals(Role.FOLLOWER, role(raft));
    // Past the longest randomized timeout (2 x election ticks): it has elected itself.
    time.timePasses(TICK.multipliedBy(ELECTION_TICKS + 1));
    assertEquals(Role.LEADER, role(raft));
    // The store hears of the leadership (its lessor starts expiring) and of the new term's empty entry.
    List<StoreActor.Command> told = store.receiveSeveralMessages(2);
    assertTrue(told.contains(new StoreActor.LeadershipChanged(true, 1000)), told.toString());
    assertTrue(told.stream().anyMatch(m -> m instanceof StoreActor.ApplyCommitted a
        && a.entries().get(0).type() == LogEntry.EntryType.NORMAL && a.entries().get(0).data().length == 0), told.toString());

    byte[] data = {1, 2, 3};
    long id = pending.nextId();
    pending.registerWrite(id);
    raft.tell(new RaftActor.Propose(data, id));
    StoreActor.ApplyCommitted committed = store.expectMessageClass(StoreActor.ApplyCommitted.class);
    LogEntry entry = committed.entries().get(0);
    assertArrayEquals(data, entry.data());
    assertEquals(entry.index(), pending.applyBacklog(), "Raft's commit index reached the entry before the store was told");
    List<Object> journaled = PersistenceTestKit.create(Adapter.toClassic(testKit.system()))
        .persistedInStorage(WalActor.PERSISTENCE_ID);
    assertTrue(journaled.stream().anyMatch(e -> e instanceof WalEvent.EntriesAppended a
        && a.entries().stream().anyMatch(x -> x.index() == entry.index())), "the entry is in the WAL");
  }

  /**
   * As etcd 3.4, a proposal or linearizable read made while no leader is known waits for one instead of
   * failing with "no leader"; one whose request was answered meanwhile (timed out) is never proposed.
   */
  @Test
  void requestsMadeBeforeALeaderIsKnownWaitForOne() {
    ActorRef<RaftActor.Command> raft = singleMember();
    store.expectMessageClass(StoreActor.ApplyCommitted.class);  // the founding entries; no election yet

    long timedOut = pending.nextId();
    CompletableFuture<?> timedOutReply = pending.registerWrite(timedOut);
    raft.tell(new RaftActor.Propose(new byte[] {9}, timedOut));
    long write = pending.nextId();
    CompletableFuture<?> writeReply = pending.registerWrite(write);
    raft.tell(new RaftActor.Propose(new byte[] {1, 2, 3}, write));
    long read = pending.nextId();
    CompletableFuture<?> readReply = pending.registerRead(read, RangeRequest.getDefaultInstance());
    raft.tell(new RaftActor.ReadIndex(read));
    assertEquals(Role.FOLLOWER, role(raft));  // the requests above were handled before this answer
    assertFalse(writeReply.isDone(), "a write without a leader is kept, not failed");
    assertFalse(readReply.isDone(), "a read without a leader is kept, not failed");
    timedOutReply.completeExceptionally(EtcdError.TIMEOUT.exception());

    time.timePasses(TICK.multipliedBy(2 * ELECTION_TICKS));
    assertEquals(Role.LEADER, role(raft));
    List<LogEntry> applied = new ArrayList<>();
    boolean readReady = false;
    while (!readReady || applied.stream().noneMatch(e -> Arrays.equals(e.data(), new byte[] {1, 2, 3}))) {
      if (store.receiveMessage() instanceof StoreActor.ApplyCommitted a) {
        applied.addAll(a.entries());
        readReady |= a.readStates().stream().anyMatch(r -> r.requestId() == read);
      }
    }
    assertTrue(applied.stream().noneMatch(e -> Arrays.equals(e.data(), new byte[] {9})),
        "the request answered while waiting was not proposed");
  }
}
