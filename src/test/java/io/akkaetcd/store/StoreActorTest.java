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
import io.akkaetcd.errors.EtcdException;
import io.akkaetcd.mvcc.Backend;
import io.akkaetcd.mvcc.InMemoryBackend;
import io.akkaetcd.mvcc.LeaseHooks;
import io.akkaetcd.mvcc.MvccStore;
import io.akkaetcd.mvcc.WriteBatch;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/** The store actor's group commit, stepped by hand: no reply may leave before its write is synced. */
class StoreActorTest {

  /** Counts synced writes to the backend under test. */
  static final class CountingBackend implements Backend {
    final InMemoryBackend inner = new InMemoryBackend();
    int syncedWrites;

    @Override
    public byte[] get(byte[] key) {
      return inner.get(key);
    }

    @Override
    public void scan(byte[] from, byte[] to, BiConsumer<byte[], byte[]> visitor) {
      inner.scan(from, to, visitor);
    }

    @Override
    public void write(WriteBatch batch, boolean sync) {
      if (sync) {
        syncedWrites++;
      }
      inner.write(batch, sync);
    }

    @Override
    public long sizeBytes() {
      return inner.sizeBytes();
    }

    @Override
    public void close() {}
  }

  private final CountingBackend backend = new CountingBackend();
  private final Applier applier =
      new Applier(MvccStore.open(backend, LeaseHooks.NONE), backend, 0, 7, 9);
  private final BehaviorTestKit<StoreActor.Command> kit = BehaviorTestKit.create(StoreActor.create(applier));
  private final TestInbox<StatusReply<Message>> replies = TestInbox.create();

  private static InternalRaftRequest put(String key, String value) {
    return InternalRaftRequest.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value))).build();
  }

  private static InternalRaftRequest get(String key) {
    return InternalRaftRequest.newBuilder().setRange(RangeRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(key))).build();
  }

  private void flush() {
    List<StoreActor.Command> self = kit.selfInbox().getAllReceived();
    assertEquals(1, self.size(), "exactly one flush is scheduled per batch");
    kit.run(self.get(0));
  }

  @Test
  void writesQueuedTogetherShareOneSyncAndAreAcknowledgedOnlyAfterIt() {
    for (int i = 0; i < 50; i++) {
      kit.run(new StoreActor.Apply(put("k" + i, "v" + i), replies.getRef()));
    }
    assertFalse(replies.hasMessages(), "nothing is acknowledged before the sync");
    assertEquals(0, backend.syncedWrites);

    flush();

    assertEquals(1, backend.syncedWrites);
    List<StatusReply<Message>> acks = replies.getAllReceived();
    assertEquals(50, acks.size());
    for (int i = 0; i < 50; i++) {
      PutResponse response = (PutResponse) acks.get(i).getValue();
      assertEquals(i + 2, response.getHeader().getRevision(), "acks come back in request order");
      assertEquals(9, response.getHeader().getMemberId());
      assertEquals(7, response.getHeader().getClusterId());
    }
    MvccStore reopened = MvccStore.open(backend.inner, LeaseHooks.NONE);
    assertEquals(51, reopened.currentRevision(), "every acknowledged write is in the backend");
  }

  @Test
  void readWithNothingPendingIsAnsweredAtOnceButWaitsBehindAPendingWrite() {
    kit.run(new StoreActor.Apply(get("a"), replies.getRef()));
    assertTrue(replies.hasMessages(), "a read with no pending write needs no sync");
    replies.receiveMessage();

    kit.run(new StoreActor.Apply(put("a", "1"), replies.getRef()));
    kit.run(new StoreActor.Apply(get("a"), replies.getRef()));
    assertFalse(replies.hasMessages(), "the read saw an unsynced write, so it waits for the sync");
    flush();
    List<StatusReply<Message>> out = replies.getAllReceived();
    assertEquals(2, out.size());
    RangeResponse read = (RangeResponse) out.get(1).getValue();
    assertEquals("1", read.getKvs(0).getValue().toStringUtf8());
  }

  @Test
  void failedRequestIsAnsweredWithTheEtcdError() {
    InternalRaftRequest withLease = InternalRaftRequest.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8("k")).setLease(42)).build();
    kit.run(new StoreActor.Apply(withLease, replies.getRef()));
    StatusReply<Message> reply = replies.receiveMessage();
    assertTrue(reply.isError());
    assertEquals("etcdserver: requested lease not found", reply.getError().getMessage());
    assertTrue(reply.getError() instanceof EtcdException);
    assertEquals(0, backend.syncedWrites);
  }
}
