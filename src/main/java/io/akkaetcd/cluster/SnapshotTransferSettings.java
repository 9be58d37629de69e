package io.akkaetcd.cluster;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How a snapshot streams to a follower ({@code akka-etcd-snapshot-transfer} in application.conf).
 *
 * @param chunkBytes backend pairs per chunk, by size (a chunk holds at least one pair)
 * @param window chunks sent and not yet acknowledged: the most the leader has in flight per follower
 * @param ackTimeout how long the leader waits for the next acknowledgement before it reports the
 *     snapshot failed (Raft then sends another)
 * @param installTimeout how long the leader waits, after the last chunk was acknowledged, for the
 *     follower to swap the store in and say so
 */
public record SnapshotTransferSettings(int chunkBytes, int window, Duration ackTimeout, Duration installTimeout) {
  public static final String PATH = "akka-etcd-snapshot-transfer";

  public SnapshotTransferSettings {
    if (chunkBytes < 1 || window < 1) {
      throw new IllegalArgumentException("chunk size and window must be positive");
    }
  }

  public static SnapshotTransferSettings from(Config config) {
    Config c = config.getConfig(PATH);
    return new SnapshotTransferSettings((int) c.getBytes("chunk-size").longValue(), c.getInt("window"),
        c.getDuration("ack-timeout"), c.getDuration("install-timeout"));
  }
}
