package io.akkaetcd.gateway;

/** grpc-gateway's HTTPStatusFromCode: the HTTP status each gRPC code is answered with. */
final class HttpStatusMapping {
  private HttpStatusMapping() {}

  static int fromGrpcCode(int grpcCode) {
    return switch (grpcCode) {
      case 0 -> 200;      // OK
      case 1 -> 408;      // CANCELLED
      case 3, 11 -> 400;  // INVALID_ARGUMENT, OUT_OF_RANGE
      case 4 -> 504;      // DEADLINE_EXCEEDED
      case 5 -> 404;      // NOT_FOUND
      case 6, 10 -> 409;  // ALREADY_EXISTS, ABORTED
      case 7 -> 403;      // PERMISSION_DENIED
      case 8 -> 429;      // RESOURCE_EXHAUSTED
      case 9 -> 412;      // FAILED_PRECONDITION
      case 12 -> 501;     // UNIMPLEMENTED
      case 14 -> 503;     // UNAVAILABLE
      case 16 -> 401;     // UNAUTHENTICATED
      default -> 500;     // UNKNOWN, INTERNAL, DATA_LOSS and codes grpc-gateway does not know
    };
  }

  /** Go's http.StatusText for the statuses above. */
  static String reasonPhrase(int httpStatus) {
    return switch (httpStatus) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 412 -> "Precondition Failed";
      case 429 -> "Too Many Requests";
      case 501 -> "Not Implemented";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "Internal Server Error";
    };
  }
}
