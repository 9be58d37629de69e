package io.akkaetcd.auth;

/**
 * What a gRPC call says about who makes it: the {@code token} metadata grpc-go sends after
 * Authenticate, and the Common Name of a verified client certificate. Either may be null. Services
 * turn it into an {@link AuthInfo} only where etcd does (many calls never look at the token).
 */
public record Caller(String token, String certificateCommonName) {
  public static final Caller ANONYMOUS = new Caller(null, null);
}
