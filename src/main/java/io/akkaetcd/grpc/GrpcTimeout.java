package io.akkaetcd.grpc;

import akka.http.javadsl.model.HttpRequest;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/** The grpc-timeout request header ("5S", "100m", ...), as the gRPC HTTP/2 protocol defines it. */
final class GrpcTimeout {
  private GrpcTimeout() {}

  static Optional<Long> parse(HttpRequest request) {
    return request.getHeader("grpc-timeout").flatMap(h -> parse(h.value()));
  }

  static Optional<Long> parse(String value) {
    if (value.length() < 2) {
      return Optional.empty();
    }
    long amount;
    try {
      amount = Long.parseLong(value.substring(0, value.length() - 1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    long nanosPerUnit = switch (value.charAt(value.length() - 1)) {
      case 'H' -> 3_600_000_000_000L;
      case 'M' -> 60_000_000_000L;
      case 'S' -> 1_000_000_000L;
      case 'm' -> 1_000_000L;
      case 'u' -> 1_000L;
      case 'n' -> 1L;
      default -> -1L;
    };
    if (nanosPerUnit < 0 || amount < 0) {
      return Optional.empty();
    }
    return Optional.of(amount > Long.MAX_VALUE / nanosPerUnit ? Long.MAX_VALUE : amount * nanosPerUnit);
  }

  /** True for the deadline's own timeout (exactly TimeoutException), not a subclass such as Akka's ask timeout. */
  static boolean isTimeout(Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return cause.getClass() == TimeoutException.class;
  }
}
