package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.*;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading its watch stream: the server must neither buffer without bound nor drop
 * anything. Once the stream's queue is full its watches fall behind, leave the hub and later catch up
 * from the store; when the client reads again, every watch has every revision once, in order.
 */
class SlowWatchClientTest {
  private static final int WATCHES = 8;
  private static final int PUTS = 1500;

  @Test
  void watchesOfAStalledStreamCatchUpWithoutGapOrDuplicate() throws Exception {
    try (TestMember member = TestMember.start()) {
      ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", member.port()).usePlaintext().build();
      try {
        BlockingQueue<WatchResponse> responses = new LinkedBlockingQueue<>();
        AtomicReference<ClientCallStreamObserver<WatchRequest>> call = new AtomicReference<>();
        WatchGrpc.newStub(channel).watch(new ClientResponseObserver<WatchRequest, WatchResponse>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
            requestStream.disableAutoRequestWithInitial(WATCHES); // the created responses only
            call.set(requestStream);
          }

          @Override
          public void onNext(WatchResponse value) {
            responses.add(value);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        });
        for (int w = 0; w < WATCHES; w++) {
          call.get().onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
              .setKey(ByteString.copyFromUtf8("slow/")).setRangeEnd(ByteString.copyFromUtf8("slow0"))).build());
        }
        for (int w = 0; w < WATCHES; w++) {
          WatchResponse created = responses.poll(10, TimeUnit.SECONDS);
          assertNotNull(created, "watch " + w + " created");
          assertTrue(created.getCreated());
        }

        // 8 watches x 1,500 puts of 1 KiB: ~12 MB of responses, far past the stream's queue (1,024
        // responses) and HTTP/2's flow-control window, while the client reads nothing.
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
        ByteString value = ByteString.copyFromUtf8("v".repeat(1024));
        long firstRevision = 0;
        long lastRevision = 0;
        for (int i = 0; i < PUTS; i++) {
          long rev = kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("slow/" + (i % 50)))
              .setValue(value).build()).getHeader().getRevision();
          firstRevision = i == 0 ? rev : firstRevision;
          lastRevision = rev;
        }

        call.get().request(Integer.MAX_VALUE);
        Map<Long, List<Long>> revisionsByWatch = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int complete = 0;
        while (complete < WATCHES && System.nanoTime() < deadline) {
          WatchResponse r = responses.poll(1, TimeUnit.SECONDS);
          if (r == null) {
            continue;
          }
          assertFalse(r.getCanceled(), r.getCancelReason());
          List<Long> seen = revisionsByWatch.computeIfAbsent(r.getWatchId(), id -> new ArrayList<>());
          for (Event e : r.getEventsList()) {
            seen.add(e.getKv().getModRevision());
            assertEquals(value, e.getKv().getValue());
            if (e.getKv().getModRevision() == lastRevision) {
              complete++;
            }
          }
        }
        assertEquals(WATCHES, revisionsByWatch.size());
        for (Map.Entry<Long, List<Long>> watch : revisionsByWatch.entrySet()) {
          List<Long> seen = watch.getValue();
          assertEquals(PUTS, seen.size(), "watch " + watch.getKey() + " got every put once");
          for (int i = 0; i < PUTS; i++) {
            assertEquals(firstRevision + i, seen.get(i), "watch " + watch.getKey() + ", event " + i);
          }
        }
        call.get().onCompleted();
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
