package io.akkaetcd.grpc;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.akkaetcd.auth.Caller;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** One unary RPC: how to parse its request and what answers it. */
record UnaryMethod(Parser<? extends Message> parser, UnaryGrpcHandler.Invoker invoker) {

  /**
   * A method of a service implementation. When the implementation also has the method with a trailing
   * {@link Caller} parameter, that one is called, so a service that checks credentials sees the call's token.
   */
  static UnaryMethod reflective(Parser<? extends Message> parser, Object service, Method method, boolean takesCaller) {
    return new UnaryMethod(parser, (request, caller) -> invoke(service, method, takesCaller, request, caller));
  }

  CompletionStage<? extends Message> call(Message request, Caller caller) {
    return invoker.call(request, caller);
  }

  @SuppressWarnings("unchecked")
  private static CompletionStage<Message> invoke(Object service, Method method, boolean takesCaller, Message request,
      Caller caller) {
    try {
      return (CompletionStage<Message>) (takesCaller ? method.invoke(service, request, caller)
          : method.invoke(service, request));
    } catch (InvocationTargetException e) {
      return CompletableFuture.failedFuture(e.getCause());
    } catch (IllegalAccessException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
