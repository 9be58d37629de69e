package io.akkaetcd.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.testkit.PersistenceTestKitPlugin;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.raft.Configuration;
import io.akkaetcd.raft.LogEntry;
import io.akkaetcd.raft.RaftConfig;
import io.akkaetcd.raft.Role;
import io.akkaetcd.store.PendingRequests;
import io.akkaetcd.store.StoreActor;
import io.akkaetcd.wal.WalActor;
import io.akkaetcd.wal.WalEvent;
import java.time.Duration;
import java.util.List;
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

  @Test
  void ticksDriveTheElectionAndACommittedProposalReachesTheStore() throws Exception {
    Configuration single = new Configuration(new TreeSet<>(List.of(ID)), new TreeSet<>());
    RaftActor.Start start = new RaftActor.Start(
        new RaftConfig(ID, ELECTION_TICKS, 1, true, true, 256, 256, 1L << 20), single);
    akka.actor.ActorRef wal = ((akka.actor.ExtendedActorSystem) Adapter.toClassic(testKit.system()))
        .systemActorOf(WalActor.props(null), "wal");
    TestProbe<StoreActor.Command> store = testKit.createTestProbe();
    PendingRequests pending = new PendingRequests(ID, 1);
    TestProbe<SnapshotSender.Command> snapshots = testKit.createTestProbe();
    ActorRef<RaftActor.Command> raft = testKit.spawn(RaftActor.create(start, wal, store.ref(), snapshots.ref(),
        new PeerTransport(Adapter.toClassic(testKit.system()), 7), pending, TICK, 10_000, 1000));

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
}
