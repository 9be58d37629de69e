package io.akkaetcd.server.watch;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Tunables of the watch service.
 *
 * @param progressNotifyInterval how often a watch created with {@code progress_notify} that saw no
 *     events meanwhile gets an empty response at the current revision (etcd: 10 minutes)
 * @param streamBufferResponses responses one gRPC stream may hold for a slow client before its
 *     watches stop taking live events and fall back to catching up from the store
 * @param maxResponseBytes where a fragmenting watch splits a response (etcd: max request bytes plus
 *     512 KiB of gRPC overhead)
 */
public record WatchSettings(Duration progressNotifyInterval, int streamBufferResponses,
    long maxResponseBytes) {

  public static final String PROGRESS_NOTIFY_INTERVAL_KEY = "akka-etcd.watch-progress-notify-interval";

  public WatchSettings {
    if (progressNotifyInterval.isNegative() || progressNotifyInterval.isZero()) {
      throw new IllegalArgumentException("progressNotifyInterval must be positive");
    }
    if (streamBufferResponses < 16) {
      throw new IllegalArgumentException("streamBufferResponses must be at least 16");
    }
  }

  /** etcd's flag (a Go duration such as "5s"), which bin/etcd maps onto this key. */
  static final String PROGRESS_NOTIFY_FLAG_KEY = "akka-etcd.experimental-watch-progress-notify-interval";

  /**
   * From {@code --experimental-watch-progress-notify-interval} when given, else
   * {@code akka-etcd.watch-progress-notify-interval} (10 minutes if absent), and the request limit.
   */
  public static WatchSettings from(Config config, int maxRequestBytes) {
    Duration interval;
    if (config.hasPath(PROGRESS_NOTIFY_FLAG_KEY)) {
      interval = Duration.ofNanos(io.akkaetcd.config.EtcdFlags.goDurationNanos(config.getString(PROGRESS_NOTIFY_FLAG_KEY)));
    } else {
      interval = config.hasPath(PROGRESS_NOTIFY_INTERVAL_KEY)
          ? config.getDuration(PROGRESS_NOTIFY_INTERVAL_KEY) : Duration.ofMinutes(10);
    }
    return new WatchSettings(interval, 1024, maxRequestBytes + 512L * 1024);
  }
}
