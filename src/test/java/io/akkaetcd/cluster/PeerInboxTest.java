package io.akkaetcd.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.CapturedLogEvent;
import akka.actor.testkit.typed.javadsl.BehaviorTestKit;
import akka.actor.testkit.typed.javadsl.TestInbox;
import com.google.protobuf.ByteString;
import io.akkaetcd.cluster.proto.HeartbeatRequestProto;
import io.akkaetcd.cluster.proto.PeerMessage;
import io.akkaetcd.cluster.proto.SnapshotChunkProto;
import io.akkaetcd.raft.Configuration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The peer inbox lets through to Raft only what a member of this cluster sends to this member (etcd's
 * rafthttp: cluster ID header, member list, removed set); everything else is dropped and logged.
 */
class PeerInboxTest {
  private static final long SELF = 0xa1;
  private static final long PEER = 0xb2;
  private static final long OTHER_PEER = 0xc3;
  private static final long CLUSTER = 0x5eed;
  private static final long FOREIGN_CLUSTER = 0xf00d;

  private final TestInbox<RaftActor.Command> raft = TestInbox.create();
  private final TestInbox<SnapshotSender.Command> snapshotSender = TestInbox.create();
  private final TestInbox<SnapshotReceiver.Command> snapshotReceiver = TestInbox.create();
  private final AtomicLong nanos = new AtomicLong(1_000);

  private BehaviorTestKit<Object> inbox(long clusterId) {
    BehaviorTestKit<Object> kit = BehaviorTestKit.create(PeerInbox.create(raft.getRef(),
        snapshotSender.getRef(), snapshotReceiver.getRef(), new PeerAuthentication(SELF, clusterId, Set.of(SELF, PEER, OTHER_PEER)), nanos::get));
    assertInstanceOf(RaftActor.WatchConfiguration.class, raft.receiveMessage(), "the inbox asks Raft for its configuration");
    return kit;
  }

  private static PeerMessage heartbeat(long from, long to, long clusterId) {
    return PeerMessage.newBuilder().setFrom(from).setTo(to).setTerm(3).setClusterId(clusterId)
        .setHeartbeatRequest(HeartbeatRequestProto.newBuilder().setCommit(7)).build();
  }

  private static PeerMessage forwardedProposal(long from, long clusterId) {
    return PeerMessage.newBuilder().setFrom(from).setTo(SELF).setClusterId(clusterId)
        .setForwardedProposal(ByteString.copyFromUtf8("put x")).build();
  }

  private void assertStepped(PeerMessage m) {
    RaftActor.Command c = raft.receiveMessage();
    assertEquals(new RaftActor.FromPeer(m), c);
  }

  private void assertDropped(BehaviorTestKit<Object> kit, String reason) {
    assertFalse(raft.hasMessages(), "nothing reaches Raft");
    List<CapturedLogEvent> logs = kit.getAllLogEntries();
    assertTrue(logs.stream().anyMatch(l -> l.message().contains("rejected peer message")
            && l.message().contains(reason)), logs.toString());
    kit.clearLog();
  }

  @Test
  void aMemberOfTheConfigurationReachesRaft() {
    BehaviorTestKit<Object> kit = inbox(CLUSTER);
    kit.run(new RaftActor.ConfigurationChanged(Configuration.ofVoters(SELF, PEER, OTHER_PEER)));
    PeerMessage m = heartbeat(PEER, SELF, CLUSTER);
    kit.run(m);
    assertStepped(m);
    PeerMessage p = forwardedProposal(OTHER_PEER, CLUSTER);
    kit.run(p);
    assertStepped(p);
  }

  @Test
  void anAuthenticatedSnapshotChunkGoesToTheReceiverAForeignOneNowhere() {
    BehaviorTestKit<Object> kit = inbox(CLUSTER);
    kit.run(new RaftActor.ConfigurationChanged(Configuration.ofVoters(SELF, PEER)));
    PeerMessage chunk = PeerMessage.newBuilder().setFrom(PEER).setTo(SELF).setClusterId(CLUSTER)
        .setSnapshotChunk(SnapshotChunkProto.newBuilder().setTransferId(9).setSeq(0)).build();
    kit.run(chunk);
    assertEquals(new SnapshotReceiver.ChunkReceived(chunk), snapshotReceiver.receiveMessage());
    kit.run(chunk.toBuilder().setClusterId(FOREIGN_CLUSTER).build());
    assertFalse(snapshotReceiver.hasMessages(), "a foreign cluster's chunk is not staged");
    assertDropped(kit, "OTHER_CLUSTER");
  }

  @Test
  void anotherClustersMessageIsDroppedEvenFromAKnownMemberId() {
    BehaviorTestKit<Object> kit = inbox(CLUSTER);
    kit.run(new RaftActor.ConfigurationChanged(Configuration.ofVoters(SELF, PEER)));
    kit.run(heartbeat(PEER, SELF, FOREIGN_CLUSTER));
    assertDropped(kit, "OTHER_CLUSTER");
    nanos.addAndGet(PeerInbox.LOG_EVERY.toNanos());
    kit.run(forwardedProposal(PEER, FOREIGN_CLUSTER));
    assertDropped(kit, "FORWARDED_PROPOSAL");
  }

  @Test
  void anUnknownSenderAndAMessageForSomeoneElseAreDropped() {
    BehaviorTestKit<Object> kit = inbox(CLUSTER);
    kit.run(new RaftActor.ConfigurationChanged(Configuration.ofVoters(SELF, PEER)));
    kit.run(forwardedProposal(0xdead, CLUSTER));
    assertDropped(kit, "UNKNOWN_MEMBER");
    kit.run(heartbeat(PEER, 0xbeef, CLUSTER));
    assertDropped(kit, "NOT_ADDRESSED_TO_THIS_MEMBER");
  }

  @Test
  void aRemovedMemberIsDroppedOnceTheRemovalApplies() {
    BehaviorTestKit<Object> kit = inbox(CLUSTER);
    kit.run(new RaftActor.ConfigurationChanged(Configuration.ofVoters(SELF, PEER, OTHER_PEER)));
    kit.run(new RaftActor.ConfigurationChanged(Configuration.ofVoters(SELF, PEER)));
    kit.run(forwardedProposal(OTHER_PEER, CLUSTER));
    assertDropped(kit, "REMOVED_MEMBER");
    PeerMessage fromStayer = heartbeat(PEER, SELF, CLUSTER);
    kit.run(fromStayer);
    assertStepped(fromStayer);
  }

  @Test
  void beforeTheLogGivesAConfigurationTheInitialClusterStandsIn() {
    BehaviorTestKit<Object> kit = inbox(CLUSTER);
    kit.run(new RaftActor.ConfigurationChanged(Configuration.EMPTY));
    PeerMessage m = heartbeat(OTHER_PEER, SELF, CLUSTER);
    kit.run(m);
    assertStepped(m);
    kit.run(heartbeat(0xdead, SELF, CLUSTER));
    assertDropped(kit, "UNKNOWN_MEMBER");
  }

  @Test
  void aJoiningMemberAdoptsTheClusterIdOfItsFirstAuthenticatedPeerAndHoldsToIt() {
    BehaviorTestKit<Object> kit = inbox(PeerAuthentication.UNKNOWN_CLUSTER);
    kit.run(heartbeat(0xdead, SELF, FOREIGN_CLUSTER));
    assertDropped(kit, "UNKNOWN_MEMBER");
    PeerMessage fromLeader = heartbeat(PEER, SELF, CLUSTER);
    kit.run(fromLeader);
    assertStepped(fromLeader);
    kit.run(heartbeat(OTHER_PEER, SELF, FOREIGN_CLUSTER));
    assertDropped(kit, "OTHER_CLUSTER");
  }

  @Test
  void dropsAreLoggedOncePerSenderAndReasonEveryTenSeconds() {
    BehaviorTestKit<Object> kit = inbox(CLUSTER);
    for (int i = 0; i < 50; i++) {
      kit.run(heartbeat(PEER, SELF, FOREIGN_CLUSTER));
      nanos.addAndGet(1_000_000);
    }
    assertEquals(1, kit.getAllLogEntries().size(), kit.getAllLogEntries().toString());
    nanos.addAndGet(PeerInbox.LOG_EVERY.toNanos());
    kit.run(heartbeat(PEER, SELF, FOREIGN_CLUSTER));
    List<CapturedLogEvent> logs = kit.getAllLogEntries();
    assertEquals(2, logs.size());
    assertTrue(logs.get(1).message().contains("dropped 49 more"), logs.get(1).message());
    assertFalse(raft.hasMessages());
  }
}
