package io.akkaetcd.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RangeResponse;
import io.akkaetcd.api.RequestHeader;
import io.akkaetcd.mvcc.Backend;
import io.akkaetcd.mvcc.InMemoryBackend;
import io.akkaetcd.mvcc.WriteBatch;
import io.akkaetcd.raft.LogEntry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Defragment does not stop the store: while the backend compacts (held here until the test lets it end),
 * the store actor goes on applying entries and answering reads; the defragment is answered when the
 * compaction ends, as etcd answers once its defrag is done.
 */
class StoreDefragmentTest {
  private final ActorTestKit testKit = ActorTestKit.create();

  /** An in-memory backend whose compaction waits for the test. */
  private static final class HeldCompaction implements Backend {
    final InMemoryBackend data = new InMemoryBackend();
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public byte[] get(byte[] key) {
      return data.get(key);
    }

    @Override
    public void scan(byte[] from, byte[] to, BiConsumer<byte[], byte[]> visitor) {
      data.scan(from, to, visitor);
    }

    @Override
    public void write(WriteBatch batch, boolean sync) {
      data.write(batch, sync);
    }

    @Override
    public PointInTime openPointInTime() {
      return data.openPointInTime();
    }

    @Override
    public void compact() {
      started.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      data.close();
    }
  }

  private static LogEntry put(long index, String key) {
    return LogEntry.normal(index, 2, InternalRaftRequest.newBuilder().setHeader(RequestHeader.newBuilder().setID(index))
        .setPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8("v")))
        .build().toByteArray());
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void readsAndAppliesGoOnWhileTheBackendCompacts() throws Exception {
    HeldCompaction backend = new HeldCompaction();
    StoreState state = new StoreState(backend, null, 7, 9, new MemberDirectory());
    ActorRef<StoreActor.Command> store = testKit.spawn(StoreActor.create(state, new PendingRequests(9, 1_000)));
    store.tell(new StoreActor.ApplyCommitted(List.of(put(1, "a")), List.of(), 2));

    TestProbe<StoreStatus> defragmented = testKit.createTestProbe();
    store.tell(new StoreActor.Defragment(defragmented.getRef()));
    assertTrue(backend.started.await(10, TimeUnit.SECONDS), "the compaction started");

    store.tell(new StoreActor.ApplyCommitted(List.of(put(2, "b")), List.of(), 2));
    TestProbe<StatusReply<Message>> read = testKit.createTestProbe();
    store.tell(new StoreActor.Read(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("b")).build(),
        read.getRef()));
    RangeResponse b = (RangeResponse) read.receiveMessage(Duration.ofSeconds(10)).getValue();
    assertEquals(1, b.getCount(), "a write applied during the compaction is read during it");
    defragmented.expectNoMessage(Duration.ofMillis(200));

    backend.release.countDown();
    assertEquals(3, defragmented.receiveMessage(Duration.ofSeconds(10)).revision());
  }
}
