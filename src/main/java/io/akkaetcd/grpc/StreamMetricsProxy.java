package io.akkaetcd.grpc;

import akka.stream.javadsl.Source;
import com.google.protobuf.Descriptors;
import io.akkaetcd.metrics.GrpcServerMetrics;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/**
 * Wraps a service implementation so that each of its streaming RPCs counts in grpc_server_started_total
 * and grpc_server_handled_total as go-grpc-prometheus counts them: "OK" when the server ends the stream,
 * the failure's code when it fails, "Canceled" when the client goes away first (a watch stream ends so).
 * Messages count in grpc_server_msg_received_total and grpc_server_msg_sent_total as they pass.
 * Unary calls are counted by {@link UnaryGrpcHandler} and pass through unchanged.
 */
public final class StreamMetricsProxy {
  private StreamMetricsProxy() {}

  public static <T> T instrument(Class<T> serviceInterface, T implementation, GrpcServerMetrics metrics) {
    return instrument(serviceInterface, serviceInterface, implementation, metrics);
  }

  /**
   * The same for an interface that carries no descriptor of its own (a power-API one, whose methods also
   * take the request's metadata): {@code describedBy} is the plain generated interface of the service.
   */
  public static <T> T instrument(Class<T> serviceInterface, Class<?> describedBy, T implementation,
      GrpcServerMetrics metrics) {
    Map<String, String> streaming = new HashMap<>();
    for (Descriptors.MethodDescriptor rpc : ServiceReflection.describe(describedBy).getMethods()) {
      if (rpc.isServerStreaming()) {
        // by name: a power-API interface's methods take the request metadata as a second argument
        streaming.put(Character.toLowerCase(rpc.getName().charAt(0)) + rpc.getName().substring(1),
            ServiceReflection.fullMethodName(rpc) + (rpc.isClientStreaming() ? "|bidi_stream" : "|server_stream"));
      }
    }
    Object proxy = Proxy.newProxyInstance(serviceInterface.getClassLoader(), new Class<?>[] {serviceInterface},
        (self, method, args) -> {
          String rpc = streaming.get(method.getName());
          if (rpc == null) {
            return invoke(implementation, method, args);
          }
          int bar = rpc.indexOf('|');
          GrpcServerMetrics.Call call = metrics.start(rpc.substring(bar + 1), rpc.substring(0, bar));
          Object[] counting = args.clone();
          if (counting[0] instanceof Source<?, ?> requests) {
            counting[0] = receivedFrom(requests, call);
          } else {
            call.received();
          }
          Object result;
          try {
            result = invoke(implementation, method, counting);
          } catch (Throwable t) {
            call.handled(GrpcStatus.fromThrowable(t).code());
            throw t;
          }
          return result instanceof Source<?, ?> source ? counted(source, call) : result;
        });
    return serviceInterface.cast(proxy);
  }

  private static <I, M> Source<I, M> receivedFrom(Source<I, M> requests, GrpcServerMetrics.Call call) {
    return requests.map(m -> {
      call.received();
      return m;
    });
  }

  private static <O, M> Source<O, M> counted(Source<O, M> source, GrpcServerMetrics.Call call) {
    return source.via(new CountingStage<>(call));
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
