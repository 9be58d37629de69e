package io.akkaetcd.concurrent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Akka's Java APIs (ask, toStrict) hand back Scala futures dressed as CompletionStage, whose plain
 * thenApply/whenComplete run asynchronously on the common pool. On a 2-core machine that pool has
 * parallelism 1, so CompletableFuture falls back to a new thread per task: measured here it capped a
 * member at ~3k requests/s with idle CPUs. This re-homes the result in a plain CompletableFuture,
 * completed on the thread that completes the original, so what callers chain runs in place.
 */
public final class DirectFutures {
  private DirectFutures() {}

  public static <T> CompletableFuture<T> direct(CompletionStage<T> stage) {
    CompletableFuture<T> result = new CompletableFuture<>();
    stage.whenCompleteAsync((value, failure) -> {
      if (failure != null) {
        result.completeExceptionally(failure);
      } else {
        result.complete(value);
      }
    }, Runnable::run);
    return result;
  }
}
