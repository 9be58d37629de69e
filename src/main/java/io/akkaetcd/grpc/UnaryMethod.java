package io.akkaetcd.grpc;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.akkaetcd.auth.Caller;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One unary RPC of a service implementation: how to parse its request and how to call it. When the
 * implementation also has the method with a trailing {@link Caller} parameter, that one is called, so
 * a service that checks credentials sees the call's token.
 */
record UnaryMethod(Parser<? extends Message> parser, Object service, Method method, boolean takesCaller) {

  @SuppressWarnings("unchecked")
  CompletionStage<Message> call(Message request, Caller caller) {
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
