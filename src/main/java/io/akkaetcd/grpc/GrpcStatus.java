package io.akkaetcd.grpc;

import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.errors.EtcdException;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/** A gRPC status (numeric code and message) for a failure, with etcd's codes and texts where they apply. */
public record GrpcStatus(int code, String message) {

  public static GrpcStatus of(EtcdError error) {
    return new GrpcStatus(Status.Code.valueOf(error.grpcCode).value(), error.message);
  }

  public static GrpcStatus of(Status.Code code, String message) {
    return new GrpcStatus(code.value(), message);
  }

  /** Maps any failure a service call ends with; unknown ones become UNKNOWN, as grpc-go reports them. */
  public static GrpcStatus fromThrowable(Throwable t) {
    while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof EtcdException e) {
      return of(e.error());
    }
    if (t instanceof TimeoutException || t instanceof akka.pattern.AskTimeoutException) {
      return of(EtcdError.TIMEOUT);
    }
    if (t instanceof io.grpc.StatusRuntimeException s) {
      return new GrpcStatus(s.getStatus().getCode().value(), String.valueOf(s.getStatus().getDescription()));
    }
    return of(Status.Code.UNKNOWN, String.valueOf(t.getMessage()));
  }

  /** grpc-go's name of this code ("PermissionDenied"), as its codes.Code.String() prints it. */
  public String codeName() {
    return io.akkaetcd.metrics.GrpcServerMetrics.codeName(code);
  }

  /** grpc-go's status error text, "rpc error: code = PermissionDenied desc = ...", as etcd's cancel reasons read. */
  public String goErrorText() {
    return "rpc error: code = " + codeName() + " desc = " + message;
  }

  /** The grpc-message value: percent-encoded as the gRPC HTTP/2 protocol requires. */
  public String encodedMessage() {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c >= 0x20 && c <= 0x7e && c != '%') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
