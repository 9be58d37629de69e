package io.akkaetcd.grpcproxy;

import akka.NotUsed;
import akka.grpc.javadsl.Metadata;
import akka.grpc.javadsl.SingleResponseRequestBuilder;
import akka.grpc.javadsl.StreamResponseRequestBuilder;
import akka.stream.javadsl.Source;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import io.akkaetcd.api.Auth;
import io.akkaetcd.api.Cluster;
import io.akkaetcd.api.DeleteRangeRequest;
import io.akkaetcd.api.DeleteRangeResponse;
import io.akkaetcd.api.Election;
import io.akkaetcd.api.KV;
import io.akkaetcd.api.Lease;
import io.akkaetcd.api.LeaseTimeToLiveRequest;
import io.akkaetcd.api.LeaseTimeToLiveResponse;
import io.akkaetcd.api.Lock;
import io.akkaetcd.api.Maintenance;
import io.akkaetcd.api.MemberListRequest;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.PutResponse;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RangeResponse;
import io.akkaetcd.api.TxnRequest;
import io.akkaetcd.api.TxnResponse;
import io.akkaetcd.api.Watch;
import io.akkaetcd.api.WatchRequest;
import io.akkaetcd.api.WatchResponse;
import io.akkaetcd.grpc.ServiceReflection;
import io.akkaetcd.grpc.UnaryGrpcHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The proxy's gRPC services: every RPC of etcd's eight services goes to the generated client method
 * of the same name ({@link Upstream}), with the caller's token. Unary RPCs are registered on the thin
 * unary handler; the streaming ones (Watch, LeaseKeepAlive, Snapshot, Observe) are served by the
 * generated power-API handlers through {@link #streaming}, whose other methods forward the same way.
 * What etcd's proxy changes on the way: keys under {@code --namespace} (KV, Watch, Lease's TimeToLive)
 * and MemberList, which with an {@code --advertise-client-url} names the proxies instead of the members
 * ({@link ProxyMembers}).
 */
final class ProxyServices {
  static final List<Class<?>> SERVICES = List.of(KV.class, Watch.class, Lease.class, Cluster.class,
      Maintenance.class, Auth.class, Lock.class, Election.class);

  private final Upstream upstream;
  private final Namespace namespace;
  private final ProxyMembers members;

  ProxyServices(Upstream upstream, Namespace namespace, ProxyMembers members) {
    this.upstream = upstream;
    this.namespace = namespace;
    this.members = members;
  }

  /** Registers every unary RPC of the eight services on {@code builder}. */
  UnaryGrpcHandler.Builder registerUnary(UnaryGrpcHandler.Builder builder) {
    for (Class<?> service : SERVICES) {
      Object client = upstream.client(service);
      for (Descriptors.MethodDescriptor rpc : ServiceReflection.describe(service).getMethods()) {
        if (rpc.isClientStreaming() || rpc.isServerStreaming()) continue;
        Method javaMethod = ServiceReflection.javaMethod(service, rpc);
        String path = "/" + ServiceReflection.fullMethodName(rpc);
        builder.method(path, UnaryGrpcHandler.Builder.parserOf(javaMethod.getParameterTypes()[0]),
            special(path).orElse((request, caller) -> forward(client, javaMethod.getName(), request, caller.token())));
      }
    }
    return builder;
  }

  private java.util.Optional<UnaryGrpcHandler.Invoker> special(String path) {
    UnaryGrpcHandler.Invoker invoker = switch (path) {
      case "/etcdserverpb.Cluster/MemberList" -> (request, caller) -> members.memberList((MemberListRequest) request, caller.token());
      default -> null;
    };
    if (invoker != null || namespace.isEmpty()) return java.util.Optional.ofNullable(invoker);
    return java.util.Optional.ofNullable(switch (path) {
      case "/etcdserverpb.KV/Range" -> (request, caller) -> upstream.<RangeRequest, RangeResponse>call(
          upstream.kv().range(), namespace.in((RangeRequest) request), caller.token()).thenApply(namespace::out);
      case "/etcdserverpb.KV/Put" -> (request, caller) -> upstream.<PutRequest, PutResponse>call(
          upstream.kv().put(), namespace.in((PutRequest) request), caller.token()).thenApply(namespace::out);
      case "/etcdserverpb.KV/DeleteRange" -> (request, caller) -> upstream.<DeleteRangeRequest, DeleteRangeResponse>call(
          upstream.kv().deleteRange(), namespace.in((DeleteRangeRequest) request), caller.token()).thenApply(namespace::out);
      case "/etcdserverpb.KV/Txn" -> (request, caller) -> upstream.<TxnRequest, TxnResponse>call(
          upstream.kv().txn(), namespace.in((TxnRequest) request), caller.token()).thenApply(namespace::out);
      case "/etcdserverpb.Lease/LeaseTimeToLive" -> (request, caller) -> upstream.<LeaseTimeToLiveRequest, LeaseTimeToLiveResponse>call(
          upstream.lease().leaseTimeToLive(), (LeaseTimeToLiveRequest) request, caller.token()).thenApply(namespace::out);
      default -> null;
    });
  }

  /**
   * An implementation of {@code powerApi} (such as {@code WatchPowerApi}) for the generated handler:
   * each method, given its request (or request stream) and the call's metadata, forwards to the
   * client method of the same name with the call's {@code token} (and {@code hasleader}, which a watch
   * that must fail without a leader carries). Watch streams go through the namespace.
   */
  <T> T streaming(Class<T> powerApi, Class<?> service) {
    Object client = upstream.client(service);
    Object proxy = java.lang.reflect.Proxy.newProxyInstance(powerApi.getClassLoader(), new Class<?>[] {powerApi},
        (self, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
              case "equals" -> self == args[0];
              case "hashCode" -> System.identityHashCode(self);
              default -> "grpc-proxy " + powerApi.getSimpleName();
            };
          }
          Metadata metadata = (Metadata) args[1];
          String token = metadata.getText("token").orElse(null);
          Object builder = builder(client, method.getName());
          if (builder instanceof SingleResponseRequestBuilder<?, ?>) {
            return forward(client, method.getName(), (Message) args[0], token);
          }
          @SuppressWarnings("unchecked")
          StreamResponseRequestBuilder<Object, Object> stream =
              upstream.stream((StreamResponseRequestBuilder<Object, Object>) builder, token);
          java.util.Optional<String> hasLeader = metadata.getText("hasleader");
          if (hasLeader.isPresent()) stream = stream.addHeader("hasleader", hasLeader.get());
          Object in = args[0];
          if (in instanceof Source<?, ?>) {
            @SuppressWarnings("unchecked")
            Source<Object, NotUsed> requests = (Source<Object, NotUsed>) in;
            boolean prefixed = service == Watch.class && !namespace.isEmpty();
            if (prefixed) requests = requests.map(r -> namespace.in((WatchRequest) r));
            Source<Object, NotUsed> responses = stream.invoke(checked(requests));
            return prefixed ? responses.map(r -> namespace.out((WatchResponse) r)) : responses;
          }
          return stream.invoke(in);
        });
    return powerApi.cast(proxy);
  }

  /** A request stream whose every message must fit --max-send-bytes, as grpc-go's client checks each. */
  private Source<Object, NotUsed> checked(Source<Object, NotUsed> requests) {
    return requests.map(r -> {
      int size = ((Message) r).getSerializedSize();
      if (size > upstream.maxSendBytes()) throw upstream.tooLarge(size);
      return r;
    });
  }

  @SuppressWarnings("unchecked")
  private CompletionStage<Message> forward(Object client, String method, Message request, String token) {
    try {
      return upstream.call((SingleResponseRequestBuilder<Message, Message>) builder(client, method), request, token);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The generated client's request builder for {@code method}: its no-argument method of that name. */
  private static Object builder(Object client, String method) {
    Class<?> c = client.getClass();
    while (!Modifier.isPublic(c.getModifiers())) c = c.getSuperclass();
    try {
      return c.getMethod(method).invoke(client);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(c + " has no request builder " + method, e);
    }
  }
}
