package io.akkaetcd.lease;

import com.google.protobuf.ByteString;
import java.util.List;

/**
 * A lease's LeaseTimeToLive answer. {@code ttlSeconds} is the remaining time truncated toward zero
 * (Go's {@code int64(Remaining().Seconds())}), so 9.9 s left reads 9; {@code keys} are sorted.
 */
public record TimeToLive(long id, long ttlSeconds, long grantedTtlSeconds, List<ByteString> keys) {
  /** etcd's gRPC layer answers an unknown lease with TTL -1 rather than an error. */
  public static TimeToLive notFound(long id) {
    return new TimeToLive(id, -1, 0, List.of());
  }
}
