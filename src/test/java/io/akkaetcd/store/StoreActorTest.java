package io.akkaetcd.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.BehaviorTestKit;
import akka.actor.testkit.typed.javadsl.TestInbox;
import akka.pattern.StatusReply;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.PutResponse;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RangeResponse;
import io.akkaetcd.api.RequestHeader;
import io.akkaetcd.mvcc.InMemoryBackend;
import io.akkaetcd.mvcc.LeaseHooks;
import io.akkaetcd.mvcc.MvccStore;
import io.akkaetcd.raft.LogEntry;
import io.akkaetcd.raft.ReadState;
import io.akkaetcd.storage.LevelDbBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store actor applying the committed log, stepped by hand. */
class StoreActorTest {
  private final InMemoryBackend backend = new InMemoryBackend();
  private final PendingRequests pending = new PendingRequests(9, 1_000);
  private final StoreState state = new StoreState(backend, null, 7, 9, new MemberDirectory());
  private final BehaviorTestKit<StoreActor.Command> kit = BehaviorTestKit.create(StoreActor.create(state, pending));

  private static LogEntry putEntry(long index, long requestId, String key, String value) {
    InternalRaftRequest request = InternalRaftRequest.newBuilder()
        .setHeader(RequestHeader.newBuilder().setID(requestId))
        .setPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value)))
        .build();
    return LogEntry.normal(index, 2, request.toByteArray());
  }

  private static RangeRequest get(String key) {
    return RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build();
  }

  @Test
  void appliesEntriesInOrderAndAnswersOnlyTheRequestsThisMemberProposed() throws Exception {
    long mine = pending.nextId();
    CompletableFuture<Message> myWrite = pending.registerWrite(mine);
    List<LogEntry> entries = List.of(
        LogEntry.normal(1, 2, new byte[0]),             // a new leader's empty entry
        putEntry(2, 12345, "a", "from-another-member"),
        putEntry(3, mine, "b", "mine"));
    kit.run(new StoreActor.ApplyCommitted(entries, List.of(), 2));

    PutResponse response = (PutResponse) myWrite.get();
    assertEquals(3, response.getHeader().getRevision(), "two puts on a fresh store: revisions 2 and 3");
    assertEquals(2, response.getHeader().getRaftTerm());
    assertEquals(9, response.getHeader().getMemberId());
    assertEquals(3, state.applier().mvcc().consistentIndex());
  }

  @Test
  void reDeliveredEntriesAreAppliedExactlyOnceEvenAfterReopening() {
    kit.run(new StoreActor.ApplyCommitted(List.of(putEntry(1, 1, "k", "v1"), putEntry(2, 2, "k", "v2")), List.of(), 2));
    TestInbox<StoreActor.Checkpointed> checkpointed = TestInbox.create();
    kit.run(new StoreActor.Checkpoint(checkpointed.getRef()));
    assertEquals(2, checkpointed.receiveMessage().appliedIndex());

    // A restart: Raft re-delivers everything after its snapshot, the store must skip what it has.
    StoreState reopened = new StoreState(backend, null, 7, 9, new MemberDirectory());
    BehaviorTestKit<StoreActor.Command> again = BehaviorTestKit.create(StoreActor.create(reopened, pending));
    again.run(new StoreActor.ApplyCommitted(
        List.of(putEntry(1, 1, "k", "v1"), putEntry(2, 2, "k", "v2"), putEntry(3, 3, "k", "v3")), List.of(), 2));
    MvccStore mvcc = reopened.applier().mvcc();
    assertEquals(4, mvcc.currentRevision(), "three puts applied once each: revisions 2, 3, 4");
    assertEquals(3, mvcc.range(get("k")).getKvs(0).getVersion());
  }

  @Test
  void linearizableReadIsServedAfterTheEntriesBeforeItsReadIndex() throws Exception {
    long readId = pending.nextId();
    CompletableFuture<Message> read = pending.registerRead(readId, get("x"));
    kit.run(new StoreActor.ApplyCommitted(List.of(putEntry(1, 77, "x", "seen")), List.of(new ReadState(readId, 1)), 2));
    RangeResponse r = (RangeResponse) read.get();
    assertEquals("seen", r.getKvs(0).getValue().toStringUtf8());
  }

  @Test
  void serializableReadIsAnsweredFromTheLocalStore() {
    kit.run(new StoreActor.ApplyCommitted(List.of(putEntry(1, 5, "s", "1")), List.of(), 2));
    TestInbox<StatusReply<Message>> replies = TestInbox.create();
    kit.run(new StoreActor.Read(get("s"), replies.getRef()));
    RangeResponse r = (RangeResponse) replies.receiveMessage().getValue();
    assertEquals(1, r.getCount());
  }

  @Test
  void failedRequestAnswersWithTheEtcdErrorAndStillAdvancesTheIndex() {
    long mine = pending.nextId();
    CompletableFuture<Message> write = pending.registerWrite(mine);
    InternalRaftRequest withLease = InternalRaftRequest.newBuilder()
        .setHeader(RequestHeader.newBuilder().setID(mine))
        .setPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).setLease(42)).build();
    kit.run(new StoreActor.ApplyCommitted(List.of(LogEntry.normal(1, 2, withLease.toByteArray())), List.of(), 2));
    assertTrue(write.isCompletedExceptionally());
    assertEquals(1, state.applier().mvcc().consistentIndex());
    assertFalse(state.applier().mvcc().hasPendingWrites(), "applied batches are written to the backend");
  }

  @Test
  void aStagedPointInTimeViewInstallsAnotherStoreAtTheSameState(@TempDir Path dir) {
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      entries.add(putEntry(i, i, "key" + i, "v" + i));
    }
    kit.run(new StoreActor.ApplyCommitted(entries, List.of(), 2));
    TestInbox<StoreActor.PointInTimeOpened> opened = TestInbox.create();
    kit.run(new StoreActor.OpenPointInTime(opened.getRef()));
    StoreActor.PointInTimeOpened view = opened.receiveMessage();
    assertEquals(20, view.consistentIndex());
    // Applied after the view opened: not part of it.
    kit.run(new StoreActor.ApplyCommitted(List.of(putEntry(21, 21, "key7", "later")), List.of(), 2));

    try (LevelDbBackend followerBackend = LevelDbBackend.open(dir.resolve("kv"))) {
      StoreState follower = new StoreState(followerBackend, null, 7, 10, new MemberDirectory());
      BehaviorTestKit<StoreActor.Command> followerKit = BehaviorTestKit.create(StoreActor.create(follower, pending));
      TestInbox<StoreActor.SnapshotInstalled> installed = TestInbox.create();
      Path staged = StagedCopy.stage(view.view(), followerBackend.dir());
      followerKit.run(new StoreActor.InstallSnapshot(staged, view.consistentIndex(), installed.getRef()));
      assertEquals(new StoreActor.SnapshotInstalled(20, true), installed.receiveMessage());
      assertEquals(21, follower.applier().mvcc().currentRevision());
      assertEquals(20, follower.applier().mvcc().consistentIndex());
      assertEquals("v7", follower.applier().mvcc().range(get("key7")).getKvs(0).getValue().toStringUtf8());

      // A second copy of the same point is not newer than what the store holds: dropped, store untouched.
      kit.run(new StoreActor.OpenPointInTime(opened.getRef()));
      StoreActor.PointInTimeOpened again = opened.receiveMessage();
      Path stale = StagedCopy.stage(again.view(), followerBackend.dir());
      followerKit.run(new StoreActor.InstallSnapshot(stale, 20, installed.getRef()));
      assertEquals(new StoreActor.SnapshotInstalled(20, false), installed.receiveMessage());
      assertFalse(Files.exists(stale), "the stale staged copy is deleted");
      assertEquals("v7", follower.applier().mvcc().range(get("key7")).getKvs(0).getValue().toStringUtf8());
    }
  }
}
