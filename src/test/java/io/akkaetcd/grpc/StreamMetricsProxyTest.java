package io.akkaetcd.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.NotUsed;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import io.akkaetcd.api.Lease;
import io.akkaetcd.api.LeaseGrantRequest;
import io.akkaetcd.api.LeaseGrantResponse;
import io.akkaetcd.api.LeaseKeepAliveRequest;
import io.akkaetcd.api.LeaseKeepAliveResponse;
import io.akkaetcd.api.LeaseLeasesRequest;
import io.akkaetcd.api.LeaseLeasesResponse;
import io.akkaetcd.api.LeaseRevokeRequest;
import io.akkaetcd.api.LeaseRevokeResponse;
import io.akkaetcd.api.LeaseTimeToLiveRequest;
import io.akkaetcd.api.LeaseTimeToLiveResponse;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.metrics.EtcdMetrics;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A streaming RPC counts its messages and ends as OK, with its failure's code, or as Canceled. */
class StreamMetricsProxyTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private final EtcdMetrics metrics = new EtcdMetrics("3.4.23", "3.4", 1, () -> 2, 1L << 31, false);

  /** A Lease service whose keep-alive answers each request by {@code answer}. */
  private Lease lease(Function<Source<LeaseKeepAliveRequest, NotUsed>, Source<LeaseKeepAliveResponse, NotUsed>> answer) {
    Lease plain = new Lease() {
      public CompletionStage<LeaseGrantResponse> leaseGrant(LeaseGrantRequest in) { throw new UnsupportedOperationException(); }
      public CompletionStage<LeaseRevokeResponse> leaseRevoke(LeaseRevokeRequest in) { throw new UnsupportedOperationException(); }
      public Source<LeaseKeepAliveResponse, NotUsed> leaseKeepAlive(Source<LeaseKeepAliveRequest, NotUsed> in) { return answer.apply(in); }
      public CompletionStage<LeaseTimeToLiveResponse> leaseTimeToLive(LeaseTimeToLiveRequest in) { throw new UnsupportedOperationException(); }
      public CompletionStage<LeaseLeasesResponse> leaseLeases(LeaseLeasesRequest in) { throw new UnsupportedOperationException(); }
    };
    return StreamMetricsProxy.instrument(Lease.class, plain, metrics.grpc());
  }

  private double sample(String series) {
    String text = metrics.scrape();
    var m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static String series(String name, String code) {
    return name + "{" + (code == null ? "" : "grpc_code=\"" + code + "\",")
        + "grpc_method=\"LeaseKeepAlive\",grpc_service=\"etcdserverpb.Lease\",grpc_type=\"bidi_stream\"}";
  }

  private static Source<LeaseKeepAliveRequest, NotUsed> requests(int n) {
    return Source.range(1, n).map(i -> LeaseKeepAliveRequest.newBuilder().setID(i).build());
  }

  private static LeaseKeepAliveResponse answer(LeaseKeepAliveRequest r) {
    return LeaseKeepAliveResponse.newBuilder().setID(r.getID()).setTTL(5).build();
  }

  @Test
  void aStreamTheServerEndsIsOkWithEveryMessageCounted() throws Exception {
    List<LeaseKeepAliveResponse> got = lease(in -> in.map(StreamMetricsProxyTest::answer))
        .leaseKeepAlive(requests(3)).runWith(Sink.seq(), testKit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(List.of(1L, 2L, 3L), got.stream().map(LeaseKeepAliveResponse::getID).toList());
    assertEquals(1, sample(series("grpc_server_started_total", null)));
    assertEquals(3, sample(series("grpc_server_msg_received_total", null)));
    assertEquals(3, sample(series("grpc_server_msg_sent_total", null)));
    assertEquals(1, sample(series("grpc_server_handled_total", "OK")));
  }

  @Test
  void aFailedStreamEndsWithItsCode() throws Exception {
    var done = lease(in -> in.map(r -> {
      throw EtcdError.LEASE_NOT_FOUND.exception();
    })).leaseKeepAlive(requests(1)).runWith(Sink.ignore(), testKit.system()).toCompletableFuture();
    assertTrue(done.handle((ok, failure) -> failure != null).get(10, TimeUnit.SECONDS));
    assertEquals(1, sample(series("grpc_server_handled_total", "NotFound")));
    assertEquals(0, sample(series("grpc_server_handled_total", "OK")));
  }

  @Test
  void aClientThatGoesAwayFirstIsCanceled() throws Exception {
    List<LeaseKeepAliveResponse> got = lease(in -> in.map(StreamMetricsProxyTest::answer).concat(Source.never()))
        .leaseKeepAlive(requests(2)).take(2).runWith(Sink.seq(), testKit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(2, got.size());
    // the cancellation reaches the stage after take(2) has completed the sink: wait for the count
    testKit.createTestProbe().awaitAssert(java.time.Duration.ofSeconds(10), () -> {
      assertEquals(1, sample(series("grpc_server_handled_total", "Canceled")));
      return null;
    });
    assertEquals(0, sample(series("grpc_server_handled_total", "OK")));
  }
}
