package io.akkaetcd.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class StreamSlotsTest {

  @Test
  void aCallBeyondTheLimitWaitsUntilAnotherEnds() {
    StreamSlots slots = new StreamSlots(2);
    assertTrue(slots.acquire().toCompletableFuture().isDone());
    assertTrue(slots.acquire().toCompletableFuture().isDone());
    CompletableFuture<Void> third = slots.acquire().toCompletableFuture();
    CompletableFuture<Void> fourth = slots.acquire().toCompletableFuture();
    assertFalse(third.isDone(), "the limit is reached: the third call waits");

    slots.release();
    assertTrue(third.isDone(), "a slot freed goes to the first waiting call");
    assertFalse(fourth.isDone());

    slots.release();
    assertTrue(fourth.isDone());
    slots.release();
    slots.release();
    assertTrue(slots.acquire().toCompletableFuture().isDone(), "all released: free slots again");
  }
}
