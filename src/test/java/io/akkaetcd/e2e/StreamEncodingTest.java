package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.*;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * grpc-java offers gzip on every call; etcd's server never compresses a response, so neither do we
 * (Akka gRPC's generated stream handlers would gzip each watch event otherwise).
 */
class StreamEncodingTest {

  private static final Metadata.Key<String> GRPC_ENCODING =
      Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);

  @Test
  void watchEventsComeUncompressedAlthoughTheClientAcceptsGzip() throws Exception {
    AtomicReference<Metadata> responseHeaders = new AtomicReference<>();
    try (TestMember member = TestMember.start()) {
      ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", member.port()).usePlaintext()
          .intercept(recordHeaders(responseHeaders)).build();
      try {
        BlockingQueue<WatchResponse> responses = new LinkedBlockingQueue<>();
        StreamObserver<WatchRequest> requests = WatchGrpc.newStub(channel).watch(collect(responses));
        requests.onNext(WatchRequest.newBuilder().setCreateRequest(
            WatchCreateRequest.newBuilder().setKey(ByteString.copyFromUtf8("k"))).build());
        assertTrue(responses.poll(10, TimeUnit.SECONDS).getCreated());
        KVGrpc.newBlockingStub(channel).put(PutRequest.newBuilder()
            .setKey(ByteString.copyFromUtf8("k")).setValue(ByteString.copyFromUtf8("v".repeat(512))).build());
        WatchResponse event = responses.poll(10, TimeUnit.SECONDS);
        assertNotNull(event, "the put reaches the watcher");
        assertEquals("v".repeat(512), event.getEvents(0).getKv().getValue().toStringUtf8());
        String encoding = responseHeaders.get().get(GRPC_ENCODING);
        assertTrue(encoding == null || encoding.equals("identity"), "response encoding: " + encoding);
        requests.onCompleted();
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static StreamObserver<WatchResponse> collect(BlockingQueue<WatchResponse> into) {
    return new StreamObserver<>() {
      @Override
      public void onNext(WatchResponse value) {
        into.add(value);
      }

      @Override
      public void onError(Throwable t) { }

      @Override
      public void onCompleted() { }
    };
  }

  /** Keeps the response headers of the Watch call. */
  private static ClientInterceptor recordHeaders(AtomicReference<Metadata> into) {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onHeaders(Metadata h) {
                if (method.getServiceName().equals("etcdserverpb.Watch")) into.set(h);
                super.onHeaders(h);
              }
            }, headers);
          }
        };
      }
    };
  }
}
