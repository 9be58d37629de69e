package io.akkaetcd.grpc;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** One unary RPC of a service implementation: how to parse its request and how to call it. */
record UnaryMethod(Parser<? extends Message> parser, Object service, Method method) {

  @SuppressWarnings("unchecked")
  CompletionStage<Message> call(Message request) {
    try {
      return (CompletionStage<Message>) method.invoke(service, request);
    } catch (InvocationTargetException e) {
      return CompletableFuture.failedFuture(e.getCause());
    } catch (IllegalAccessException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
