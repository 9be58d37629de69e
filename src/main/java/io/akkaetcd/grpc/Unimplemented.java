package io.akkaetcd.grpc;

import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The answer of an RPC this member does not serve yet: UNIMPLEMENTED, as gRPC servers give it. */
public final class Unimplemented {
  private Unimplemented() {}

  public static <T> CompletionStage<T> call(String method) {
    return CompletableFuture.failedFuture(
        Status.UNIMPLEMENTED.withDescription("unknown method " + method).asRuntimeException());
  }
}
