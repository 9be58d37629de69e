package io.akkaetcd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import com.google.protobuf.ByteString;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.cluster.RaftActor;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.errors.EtcdException;
import io.akkaetcd.store.PendingRequests;
import io.akkaetcd.store.StoreActor;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The front's side of a proposal: back-pressure, and the timeout when no answer comes. */
class StoreClientTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static final InternalRaftRequest PUT = InternalRaftRequest.newBuilder()
      .setPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k"))).build();

  private final TestProbe<RaftActor.Command> raft = testKit.createTestProbe();
  private final TestProbe<StoreActor.Command> store = testKit.createTestProbe();
  private final PendingRequests pending = new PendingRequests(1, 1);

  private StoreClient client(Duration timeout) {
    return new StoreClient(raft.getRef(), store.getRef(), pending, testKit.scheduler(), timeout);
  }

  private static EtcdError errorOf(java.util.concurrent.CompletionStage<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> f.toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof EtcdException, e.toString());
    return ((EtcdException) e.getCause()).error();
  }

  @Test
  void refusesNewProposalsWhileTheStoreTrailsRaftByMoreThan5000Entries() {
    pending.committed(5_001);
    assertEquals(EtcdError.TOO_MANY_REQUESTS, errorOf(client(Duration.ofSeconds(5)).propose(PUT)));
    raft.expectNoMessage(Duration.ofMillis(100));

    pending.applied(1);
    client(Duration.ofSeconds(5)).propose(PUT);
    raft.expectMessageClass(RaftActor.Propose.class);
  }

  @Test
  void aProposalNeverAppliedTimesOutWithEtcdsError() {
    var reply = client(Duration.ofMillis(200)).propose(PUT);
    raft.expectMessageClass(RaftActor.Propose.class);
    assertEquals(EtcdError.TIMEOUT, errorOf(reply));
  }
}
