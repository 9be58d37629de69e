package io.akkaetcd.e2e;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.util.concurrent.TimeUnit;

/**
 * A plain grpc-java client on one connection that sends a token as grpc-go does (metadata "token"),
 * so a test can carry a token from one member to another and keep one connection across a revoke.
 */
final class GrpcAuthClient implements AutoCloseable {
  private final ManagedChannel channel;

  GrpcAuthClient(int port) {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  String authenticate(String user, String password) {
    return AuthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .authenticate(AuthenticateRequest.newBuilder().setName(user).setPassword(password).build()).getToken();
  }

  /** "OK" and the value count, or the status code and text the call failed with. */
  String get(String token, String key) {
    try {
      var r = kv(token).range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build());
      return "OK " + r.getKvsCount();
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode() + " " + e.getStatus().getDescription();
    }
  }

  String put(String token, String key, String value) {
    try {
      kv(token).put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
          .setValue(ByteString.copyFromUtf8(value)).build());
      return "OK";
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode() + " " + e.getStatus().getDescription();
    }
  }

  String authenticateOutcome(String user, String password) {
    try {
      authenticate(user, password);
      return "OK";
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode() + " " + e.getStatus().getDescription();
    }
  }

  /** Any call of the Auth service as {@code token}'s user: "OK" or the status it failed with. */
  String auth(String token, java.util.function.Function<AuthGrpc.AuthBlockingStub, ?> call) {
    AuthGrpc.AuthBlockingStub stub = AuthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    if (token != null) {
      stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(tokenMetadata(token)));
    }
    try {
      call.apply(stub);
      return "OK";
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode() + " " + e.getStatus().getDescription();
    }
  }

  private static Metadata tokenMetadata(String token) {
    Metadata metadata = new Metadata();
    metadata.put(Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER), token);
    return metadata;
  }

  private KVGrpc.KVBlockingStub kv(String token) {
    KVGrpc.KVBlockingStub stub = KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    if (token == null) {
      return stub;
    }
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(tokenMetadata(token)));
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
