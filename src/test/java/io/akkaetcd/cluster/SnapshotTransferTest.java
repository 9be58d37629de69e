package io.akkaetcd.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.google.protobuf.ByteString;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RequestHeader;
import io.akkaetcd.cluster.proto.PeerMessage;
import io.akkaetcd.mvcc.InMemoryBackend;
import io.akkaetcd.raft.Configuration;
import io.akkaetcd.raft.InstallSnapshotRequest;
import io.akkaetcd.raft.LogEntry;
import io.akkaetcd.raft.Snapshot;
import io.akkaetcd.storage.LevelDbBackend;
import io.akkaetcd.store.MemberDirectory;
import io.akkaetcd.store.PendingRequests;
import io.akkaetcd.store.StoreActor;
import io.akkaetcd.store.StoreState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chunked snapshot transfer between a real {@link SnapshotSender} (over a leader's store) and a real
 * {@link SnapshotReceiver} (over a follower's LevelDB store), with the network between them played by the
 * test: it carries, drops or holds each chunk and acknowledgement, and time moves only by hand.
 */
class SnapshotTransferTest {
  private static final long LEADER = 1;
  private static final long FOLLOWER = 2;
  private static final int KEYS = 300;
  private static final SnapshotTransferSettings SETTINGS =
      new SnapshotTransferSettings(8 * 1024, 3, Duration.ofSeconds(5), Duration.ofSeconds(20));
  private static final InstallSnapshotRequest REQUEST = new InstallSnapshotRequest(LEADER, FOLLOWER, 3,
      new Snapshot(KEYS, 2, new Configuration(new TreeSet<>(Set.of(LEADER, FOLLOWER)), new TreeSet<>()), null));

  @TempDir
  Path dir;
  private ActorTestKit kit;
  private ManualTime time;
  private LevelDbBackend followerBackend;
  private StoreState followerState;
  /** What the leader puts on the wire (chunks) and what the follower does (acknowledgements). */
  private TestProbe<PeerMessage> toFollower;
  private TestProbe<PeerMessage> toLeader;
  private TestProbe<RaftActor.Command> followerRaft;
  private TestProbe<SnapshotSender.SnapshotReported> reports;
  private ActorRef<SnapshotSender.Command> sender;
  private ActorRef<SnapshotReceiver.Command> receiver;

  @BeforeEach
  void start() {
    kit = ActorTestKit.create(ManualTime.config());
    time = ManualTime.get(kit.system());
    PendingRequests pending = new PendingRequests(LEADER, 1_000);
    StoreState leaderState = new StoreState(new InMemoryBackend(), null, 7, LEADER, new MemberDirectory());
    ActorRef<StoreActor.Command> leaderStore = kit.spawn(StoreActor.create(leaderState, pending));
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 1; i <= KEYS; i++) {
      entries.add(put(i, "key" + i, "v".repeat(1000) + i));
    }
    leaderStore.tell(new StoreActor.ApplyCommitted(entries, List.of(), 2));

    followerBackend = LevelDbBackend.open(dir.resolve("member").resolve("kv"));
    followerState = new StoreState(followerBackend, null, 7, FOLLOWER, new MemberDirectory());
    ActorRef<StoreActor.Command> followerStore = kit.spawn(StoreActor.create(followerState,
        new PendingRequests(FOLLOWER, 1_000)));
    toFollower = kit.createTestProbe();
    toLeader = kit.createTestProbe();
    followerRaft = kit.createTestProbe();
    reports = kit.createTestProbe();
    sender = kit.spawn(SnapshotSender.create(leaderStore, wire(toFollower), SETTINGS));
    receiver = kit.spawn(SnapshotReceiver.create(followerBackend.dir(), followerStore, followerRaft.ref(),
        wire(toLeader), SETTINGS.installTimeout()));
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
    followerBackend.close();
  }

  private static PeerSender wire(TestProbe<PeerMessage> probe) {
    return (to, message) -> {
      probe.ref().tell(message);
      return true;
    };
  }

  private static LogEntry put(long index, String key, String value) {
    InternalRaftRequest request = InternalRaftRequest.newBuilder()
        .setHeader(RequestHeader.newBuilder().setID(index))
        .setPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value)))
        .build();
    return LogEntry.normal(index, 2, request.toByteArray());
  }

  private PeerMessage chunk() {
    PeerMessage m = toFollower.receiveMessage();
    assertTrue(m.hasSnapshotChunk(), m.toString());
    return m;
  }

  private void deliverChunk(PeerMessage chunk) {
    receiver.tell(new SnapshotReceiver.ChunkReceived(chunk));
  }

  private PeerMessage deliverAck() {
    PeerMessage ack = toLeader.receiveMessage();
    sender.tell(new SnapshotSender.AckReceived(ack.getFrom(), ack.getSnapshotAck()));
    return ack;
  }

  /** Carries everything both ways until the sender reports, never letting more than the window be in flight. */
  private int carryToTheEnd(PeerMessage first) {
    List<PeerMessage> inflight = new ArrayList<>(List.of(first));
    int chunks = 0;
    while (true) {
      // The sender fills its window and then waits: nothing more comes until an ack goes back.
      while (inflight.size() < SETTINGS.window() && !inflight.get(inflight.size() - 1).getSnapshotChunk().getLast()) {
        inflight.add(chunk());
      }
      toFollower.expectNoMessage(Duration.ofMillis(50));
      PeerMessage next = inflight.remove(0);
      deliverChunk(next);
      chunks++;
      PeerMessage ack = deliverAck();
      assertFalse(ack.getSnapshotAck().getFailed(), ack.toString());
      if (next.getSnapshotChunk().getLast()) {
        assertTrue(inflight.isEmpty());
        PeerMessage installed = deliverAck();
        assertTrue(installed.getSnapshotAck().getInstalled(), installed.toString());
        return chunks;
      }
    }
  }

  private void assertFollowerHoldsEveryKey() {
    assertEquals(KEYS, followerState.applier().mvcc().consistentIndex());
    assertEquals(KEYS, followerState.applier().mvcc().range(RangeRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8("key")).setRangeEnd(ByteString.copyFromUtf8("kez")).setCountOnly(true)
        .build()).getCount());
    assertEquals("v".repeat(1000) + 123, followerState.applier().mvcc().range(RangeRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8("key123")).build()).getKvs(0).getValue().toStringUtf8());
  }

  @Test
  void aStoreTravelsInManyAcknowledgedChunksAndRaftHearsOnlyOnceItIsInstalled() {
    sender.tell(new SnapshotSender.Send(REQUEST, reports.ref()));
    PeerMessage first = chunk();
    assertEquals(KEYS, first.getSnapshotChunk().getConsistentIndex());
    assertEquals(KEYS, first.getSnapshotChunk().getMetadata().getIndex());

    int chunks = carryToTheEnd(first);
    assertTrue(chunks > 30, "300 KiB in 8 KiB chunks: " + chunks);
    RaftActor.SnapshotArrived arrived = (RaftActor.SnapshotArrived) followerRaft.receiveMessage();
    assertEquals(KEYS, arrived.request().snapshot().index());
    assertEquals(LEADER, arrived.request().from());
    assertEquals(new SnapshotSender.SnapshotReported(FOLLOWER, true), reports.receiveMessage());
    assertFollowerHoldsEveryKey();
    assertFalse(Files.exists(dir.resolve("member").resolve("kv.incoming")), "the staging directory was swapped in");
  }

  @Test
  void aLostChunkFailsTheTransferAndTheNextAttemptSucceeds() {
    sender.tell(new SnapshotSender.Send(REQUEST, reports.ref()));
    deliverChunk(chunk());
    deliverAck();
    chunk(); // lost on the way
    PeerMessage third = chunk();
    deliverChunk(third);
    PeerMessage refused = deliverAck();
    assertTrue(refused.getSnapshotAck().getFailed(), "a chunk after a gap is refused");
    assertEquals(new SnapshotSender.SnapshotReported(FOLLOWER, false), reports.receiveMessage());
    followerRaft.expectNoMessage(Duration.ofMillis(50));
    assertEquals(0, followerState.applier().mvcc().consistentIndex(), "nothing of a failed transfer counts");

    // Raft sends the snapshot again; this time everything arrives.
    sender.tell(new SnapshotSender.Send(REQUEST, reports.ref()));
    PeerMessage first = chunk();
    while (!first.getSnapshotChunk().hasMetadata()) {
      first = chunk(); // what the failed transfer had already put on the wire
    }
    carryToTheEnd(first);
    assertEquals(new SnapshotSender.SnapshotReported(FOLLOWER, true), reports.receiveMessage());
    assertFollowerHoldsEveryKey();
  }

  @Test
  void aFollowerThatFallsSilentIsReportedFailedAfterTheAckTimeout() {
    sender.tell(new SnapshotSender.Send(REQUEST, reports.ref()));
    deliverChunk(chunk());
    deliverAck();
    PeerMessage withheld = chunk();
    for (int i = 1; i < SETTINGS.window(); i++) {
      chunk(); // the follower went down: none of these is answered
    }
    time.timePasses(SETTINGS.ackTimeout().minusMillis(1));
    reports.expectNoMessage(Duration.ofMillis(50));
    time.timePasses(Duration.ofMillis(2));
    assertEquals(new SnapshotSender.SnapshotReported(FOLLOWER, false), reports.receiveMessage());

    // A late acknowledgement of the abandoned transfer changes nothing.
    deliverChunk(withheld);
    deliverAck();
    reports.expectNoMessage(Duration.ofMillis(50));
    toFollower.expectNoMessage(Duration.ofMillis(50));
    sender.tell(new SnapshotSender.Send(REQUEST, reports.ref()));
    carryToTheEnd(chunk());
    assertEquals(new SnapshotSender.SnapshotReported(FOLLOWER, true), reports.receiveMessage());
    assertFollowerHoldsEveryKey();
  }
}
