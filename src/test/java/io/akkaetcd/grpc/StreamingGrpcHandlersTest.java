package io.akkaetcd.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import io.akkaetcd.auth.Caller;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A streaming call (Watch, Observe, Snapshot, LeaseKeepAlive) starts only once its caller's token is
 * known to the member, as a unary call does: a fresh simple token whose Authenticate entry this member
 * has not applied yet holds the stream back instead of having it refused as invalid.
 */
class StreamingGrpcHandlersTest {
  private final List<String> started = new CopyOnWriteArrayList<>();
  private final List<String> waitedFor = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> entryApplied = new CompletableFuture<>();

  private final StreamingGrpcHandlers handlers = StreamingGrpcHandlers.builder()
      .service("v3electionpb.Election", request -> {
        started.add(request.getUri().path());
        return CompletableFuture.completedFuture(HttpResponse.create());
      })
      .callerKnown(caller -> {
        waitedFor.add(String.valueOf(caller.token()));
        return caller.token() == null ? CompletableFuture.completedFuture(null) : entryApplied;
      })
      .build(request -> CompletableFuture.completedFuture(HttpResponse.create().withStatus(404)));

  @Test
  void aStreamWithAFreshTokenStartsOnceTheTokenIsKnown() {
    CompletionStage<HttpResponse> observe = handlers.apply(HttpRequest.POST("/v3electionpb.Election/Observe")
        .addHeader(RawHeader.create("token", "abcdef.12")));
    assertEquals(List.of("abcdef.12"), waitedFor);
    assertTrue(started.isEmpty(), "started before entry 12 was applied");
    assertFalse(observe.toCompletableFuture().isDone());

    entryApplied.complete(null);
    assertEquals(List.of("/v3electionpb.Election/Observe"), started);
    assertEquals(200, observe.toCompletableFuture().join().status().intValue());
  }

  @Test
  void aStreamWithoutATokenStartsAtOnce() {
    CompletionStage<HttpResponse> observe = handlers.apply(HttpRequest.POST("/v3electionpb.Election/Observe"));
    assertEquals(List.of("null"), waitedFor);
    assertEquals(List.of("/v3electionpb.Election/Observe"), started);
    assertTrue(observe.toCompletableFuture().isDone());
  }

  @Test
  void otherPathsAreNotHeld() {
    handlers.apply(HttpRequest.POST("/etcdserverpb.KV/Range").addHeader(RawHeader.create("token", "abcdef.12")));
    assertTrue(waitedFor.isEmpty());
    assertNull(Caller.ANONYMOUS.token());
  }
}
