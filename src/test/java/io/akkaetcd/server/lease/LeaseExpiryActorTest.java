package io.akkaetcd.server.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.cluster.RaftActor;
import io.akkaetcd.raft.Configuration;
import io.akkaetcd.raft.RaftStatus;
import io.akkaetcd.raft.Role;
import io.akkaetcd.server.StoreClient;
import io.akkaetcd.store.PendingRequests;
import io.akkaetcd.store.StoreActor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reaper revokes expired leases through the log, and only while this member leads (time by hand). */
class LeaseExpiryActorTest {
  private final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private final ManualTime time = ManualTime.get(testKit.system());
  private static final Duration EVERY = Duration.ofMillis(500);

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  private static RaftActor.RaftView view(Role role) {
    return new RaftActor.RaftView(new RaftStatus(1, 2, 1, 5, 5, 5, role == Role.LEADER ? 1 : 2, role,
        Configuration.EMPTY, Map.of(), 0), 5, 1);
  }

  @Test
  void expiredLeasesAreRevokedThroughTheLogOnlyWhileLeading() throws Exception {
    TestProbe<RaftActor.Command> raft = testKit.createTestProbe();
    TestProbe<StoreActor.Command> store = testKit.createTestProbe();
    StoreClient proposals = new StoreClient(raft.ref(), store.ref(), new PendingRequests(1, 1),
        testKit.scheduler(), Duration.ofSeconds(7));
    testKit.spawn(LeaseExpiryActor.create(raft.ref(), store.ref(), proposals, EVERY));

    time.expectNoMessageFor(EVERY.minusMillis(1), raft);
    time.timePasses(Duration.ofMillis(1));
    raft.expectMessageClass(RaftActor.GetStatus.class).replyTo().tell(view(Role.FOLLOWER));
    store.expectNoMessage(Duration.ofMillis(100)); // a follower never looks for expired leases

    time.timePasses(EVERY);
    raft.expectMessageClass(RaftActor.GetStatus.class).replyTo().tell(view(Role.LEADER));
    StoreActor.ExpiredLeases ask = store.expectMessageClass(StoreActor.ExpiredLeases.class);
    assertEquals(LeaseExpiryActor.REVOKES_PER_TICK, ask.limit());
    ask.replyTo().tell(new StoreActor.ExpiredLeasesFound(List.of(5L, 6L)));
    for (long id : new long[] {5, 6}) {
      RaftActor.Propose revoke = raft.expectMessageClass(RaftActor.Propose.class);
      assertEquals(id, InternalRaftRequest.parseFrom(revoke.data()).getLeaseRevoke().getID());
    }

    time.timePasses(EVERY);
    raft.expectMessageClass(RaftActor.GetStatus.class).replyTo().tell(view(Role.FOLLOWER));
    store.expectNoMessage(Duration.ofMillis(100)); // leadership lost: expiry stops with it
  }

  @Test
  void aLateAnswerFromTheRaftActorIsTakenAndNotAskedAgainMeanwhile() {
    // A Raft actor still recovering its log answers only once it runs, seconds later (seen at every start).
    TestProbe<RaftActor.Command> raft = testKit.createTestProbe();
    TestProbe<StoreActor.Command> store = testKit.createTestProbe();
    StoreClient proposals = new StoreClient(raft.ref(), store.ref(), new PendingRequests(1, 1),
        testKit.scheduler(), Duration.ofSeconds(7));
    testKit.spawn(LeaseExpiryActor.create(raft.ref(), store.ref(), proposals, EVERY));

    time.timePasses(EVERY);
    RaftActor.GetStatus first = raft.expectMessageClass(RaftActor.GetStatus.class);
    time.timePasses(EVERY.multipliedBy(10));
    raft.expectNoMessage(Duration.ofMillis(100)); // the question is still out: no second one
    first.replyTo().tell(view(Role.LEADER));
    store.expectMessageClass(StoreActor.ExpiredLeases.class); // the late answer counted
  }
}
