package io.akkaetcd.gateway;

import akka.NotUsed;
import akka.stream.javadsl.Source;
import com.google.protobuf.Message;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One RPC of a service implementation as the gateway calls it: its request type (to parse JSON into)
 * and its shape. etcd has three shapes: unary, server streaming (Snapshot, Observe) and bidirectional
 * (Watch, LeaseKeepAlive); none is client streaming only.
 */
record GatewayMethod(Kind kind, Message requestPrototype, Object service, Method method, Method withCaller) {

  enum Kind { UNARY, SERVER_STREAMING, BIDI_STREAMING }

  static GatewayMethod of(Kind kind, Object service, Method method) {
    Type parameter = method.getGenericParameterTypes()[0];
    Class<?> requestClass = kind == Kind.BIDI_STREAMING
        ? (Class<?>) ((ParameterizedType) parameter).getActualTypeArguments()[0]
        : (Class<?>) parameter;
    return new GatewayMethod(kind, defaultInstance(requestClass), service, method,
        io.akkaetcd.grpc.ServiceReflection.withCaller(service.getClass(), method));
  }

  @SuppressWarnings("unchecked")
  CompletionStage<Message> callUnary(Message request, io.akkaetcd.auth.Caller caller) {
    try {
      return (CompletionStage<Message>) (withCaller != null ? withCaller.invoke(service, request, caller)
          : method.invoke(service, request));
    } catch (InvocationTargetException e) {
      return CompletableFuture.failedFuture(e.getCause());
    } catch (IllegalAccessException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Calls a streaming RPC; {@code requests} holds one request for a server-streaming one. The caller
   * reaches the implementation's overload that takes one (watch, observe, snapshot check it); a stream
   * without one (lease keep-alive, which etcd 3.4 does not check either) runs without.
   */
  @SuppressWarnings("unchecked")
  Source<Message, NotUsed> callStreaming(List<Message> requests, Source<Message, NotUsed> requestStream,
      io.akkaetcd.auth.Caller caller) {
    try {
      Object argument = kind == Kind.BIDI_STREAMING ? requestStream : requests.get(0);
      return (Source<Message, NotUsed>) (withCaller != null ? withCaller.invoke(service, argument, caller)
          : method.invoke(service, argument));
    } catch (InvocationTargetException e) {
      return Source.failed(e.getCause());
    } catch (IllegalAccessException e) {
      return Source.failed(e);
    }
  }

  private static Message defaultInstance(Class<?> messageClass) {
    try {
      return (Message) messageClass.getMethod("getDefaultInstance").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(messageClass + " is not a protobuf message", e);
    }
  }
}
