package io.akkaetcd.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.BehaviorTestKit;
import io.akkaetcd.api.AlarmRequest;
import io.akkaetcd.api.AlarmType;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.Member;
import io.akkaetcd.mvcc.Backend;
import io.akkaetcd.mvcc.InMemoryBackend;
import io.akkaetcd.mvcc.Schema;
import io.akkaetcd.mvcc.WriteBatch;
import io.akkaetcd.raft.ConfChange;
import io.akkaetcd.raft.LogEntry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * Every bucket an entry changes reaches the backend in the batch that carries that entry's
 * consistent index, so a crash between two backend writes cannot leave alarms or members ahead of
 * or behind it; and the member's identity lives in the meta bucket.
 */
class SchemaAtomicityTest {

  /** Records every batch the store writes, as the crash points between them. */
  static final class RecordingBackend implements Backend {
    final InMemoryBackend delegate = new InMemoryBackend();
    final List<WriteBatch> batches = new ArrayList<>();

    @Override
    public byte[] get(byte[] key) {
      return delegate.get(key);
    }

    @Override
    public void scan(byte[] from, byte[] to, BiConsumer<byte[], byte[]> visitor) {
      delegate.scan(from, to, visitor);
    }

    @Override
    public PointInTime openPointInTime() {
      return delegate.openPointInTime();
    }

    @Override
    public void write(WriteBatch batch, boolean sync) {
      WriteBatch copy = new WriteBatch();
      batch.ops().forEach(op -> {
        if (op.value() == null) {
          copy.delete(op.key());
        } else {
          copy.put(op.key(), op.value());
        }
      });
      batches.add(copy);
      delegate.write(batch, sync);
    }

    @Override
    public void close() {}
  }

  private final RecordingBackend backend = new RecordingBackend();
  private final PendingRequests pending = new PendingRequests(9, 1);

  private static boolean inBucket(WriteBatch.Op op, Schema.Bucket bucket) {
    return op.key().length > 0 && op.key()[0] == bucket.prefix && !(bucket == Schema.Bucket.META);
  }

  private static Long consistentIndexOf(WriteBatch batch) {
    Long index = null;
    for (WriteBatch.Op op : batch.ops()) {
      if (java.util.Arrays.equals(op.key(), Schema.META_CONSISTENT_INDEX)) {
        index = ByteBuffer.wrap(op.value()).getLong();
      }
    }
    return index;
  }

  @Test
  void alarmsAndMembersAreWrittenWithTheConsistentIndexOfTheirEntry() {
    StoreState state = new StoreState(backend, null, 7, 9, new MemberDirectory());
    BehaviorTestKit<StoreActor.Command> store = BehaviorTestKit.create(StoreActor.create(state, pending));
    backend.batches.clear();
    InternalRaftRequest alarm = InternalRaftRequest.newBuilder().setAlarm(AlarmRequest.newBuilder()
        .setAction(AlarmRequest.AlarmAction.ACTIVATE).setMemberID(9).setAlarm(AlarmType.NOSPACE)).build();
    InternalRaftRequest member = InternalRaftRequest.newBuilder().setMemberAttributes(Member.newBuilder()
        .setID(9).setName("m9").addClientURLs("http://127.0.0.1:2379")).build();
    store.run(new StoreActor.ApplyCommitted(List.of(LogEntry.normal(5, 2, alarm.toByteArray())), List.of(), 2));
    store.run(new StoreActor.ApplyCommitted(List.of(LogEntry.normal(6, 2, member.toByteArray())), List.of(), 2));

    int checked = 0;
    for (WriteBatch batch : backend.batches) {
      for (WriteBatch.Op op : batch.ops()) {
        if (inBucket(op, Schema.Bucket.ALARM)) {
          assertEquals(5L, consistentIndexOf(batch), "the alarm travels with index 5");
          checked++;
        } else if (inBucket(op, Schema.Bucket.MEMBERS)) {
          assertEquals(6L, consistentIndexOf(batch), "the member travels with index 6");
          checked++;
        }
      }
    }
    assertEquals(2, checked, "one alarm and one member written: " + backend.batches.size() + " batches");

    // What the backend holds after each write is a state some prefix of the log produced: reopened, it
    // has both, at index 6.
    StoreState reopened = new StoreState(backend.delegate, null, 7, 9, new MemberDirectory());
    assertEquals(6, reopened.applier().mvcc().consistentIndex());
    assertTrue(reopened.alarms().isActive(AlarmType.NOSPACE));
  }

  @Test
  void theIdentityIsStoredAtBootstrapAndReadBack() {
    assertEquals(null, MemberIdentity.read(backend));
    MemberIdentity.storeAtBootstrap(backend, new MemberIdentity(0x1234, 0xabcd));
    WriteBatch only = backend.batches.get(backend.batches.size() - 1);
    assertEquals(0L, consistentIndexOf(only), "the ids are written with the consistent index");
    assertEquals(new MemberIdentity(0x1234, 0xabcd), MemberIdentity.read(backend));
  }

  @Test
  void aMemberThatJoinedLearnsTheClusterIdFromTheFoundingEntries() {
    MemberIdentity.storeAtBootstrap(backend, new MemberIdentity(4, 0));
    StoreState state = new StoreState(backend, null, 0, 4, new MemberDirectory());
    BehaviorTestKit<StoreActor.Command> store = BehaviorTestKit.create(StoreActor.create(state, pending));
    List<LogEntry> log = new ArrayList<>();
    for (long voter : new long[] {3, 1, 2}) {
      log.add(new LogEntry(log.size() + 1, 1, LogEntry.EntryType.CONF_CHANGE,
          new ConfChange(ConfChange.Type.ADD_VOTER, voter).encode()));
    }
    store.run(new StoreActor.ApplyCommitted(log, List.of(), 2));
    assertEquals(0, state.clusterId(), "not known until the founding entries are over");
    store.run(new StoreActor.ApplyCommitted(List.of(
        new LogEntry(4, 2, LogEntry.EntryType.NORMAL, new byte[0]),
        new LogEntry(5, 2, LogEntry.EntryType.CONF_CHANGE, new ConfChange(ConfChange.Type.ADD_VOTER, 4).encode())),
        List.of(), 2));
    long expected = MemberIdentity.clusterIdOf(List.of(1L, 2L, 3L));
    assertEquals(expected, state.clusterId(), "the founders' cluster id, not one with the joiner in it");
    assertEquals(expected, state.applier().header(0).getClusterId());
    WriteBatch last = backend.batches.get(backend.batches.size() - 1);
    assertEquals(5L, consistentIndexOf(last));
    assertTrue(last.ops().stream().anyMatch(op -> java.util.Arrays.equals(op.key(), Schema.META_CLUSTER_ID)),
        "the learned id is written in the batch of the entry that taught it");
    assertEquals(new MemberIdentity(4, expected), MemberIdentity.read(backend.delegate));
  }

  @Test
  void aRestoredSnapshotKeepsThisMembersOwnId(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    RecordingBackend leaderBackend = new RecordingBackend();
    MemberIdentity.storeAtBootstrap(leaderBackend, new MemberIdentity(1, 77));
    StoreState leader = new StoreState(leaderBackend, null, 77, 1, new MemberDirectory());
    try (io.akkaetcd.storage.LevelDbBackend followerBackend =
        io.akkaetcd.storage.LevelDbBackend.open(dir.resolve("kv"))) {
      MemberIdentity.storeAtBootstrap(followerBackend, new MemberIdentity(4, 0));
      StoreState follower = new StoreState(followerBackend, null, 0, 4, new MemberDirectory());
      follower.install(StagedCopy.stage(leader.openPointInTime(), followerBackend.dir()));
      MemberIdentity after = MemberIdentity.read(followerBackend);
      assertNotNull(after);
      assertEquals(4, after.memberId());
      assertEquals(77, after.clusterId(), "the snapshot teaches the cluster id");
      assertEquals(77, follower.clusterId());
      assertFalse(java.util.Arrays.equals(leaderBackend.get(Schema.META_MEMBER_ID),
          followerBackend.get(Schema.META_MEMBER_ID)));
      assertArrayEquals(MemberIdentity.encode(4), followerBackend.get(Schema.META_MEMBER_ID));
    }
  }
}
