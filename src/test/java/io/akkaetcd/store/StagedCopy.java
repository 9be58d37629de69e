package io.akkaetcd.store;

import io.akkaetcd.mvcc.Backend;
import io.akkaetcd.storage.SnapshotStaging;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What a streamed snapshot does, without the network: a point-in-time view staged beside a live store. */
final class StagedCopy {
  private StagedCopy() {}

  /** Stages every pair of {@code view} (then closes it) for the store at {@code liveDir}; returns the complete directory. */
  static Path stage(Backend.PointInTime view, Path liveDir) {
    try (view; SnapshotStaging staging = SnapshotStaging.begin(liveDir)) {
      List<byte[][]> pairs = new ArrayList<>();
      for (byte[][] kv = view.next(); kv != null; kv = view.next()) {
        pairs.add(kv);
        if (pairs.size() == 100) {
          staging.write(pairs);
          pairs.clear();
        }
      }
      staging.write(pairs);
      return staging.complete();
    }
  }
}
