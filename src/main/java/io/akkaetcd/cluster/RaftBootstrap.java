package io.akkaetcd.cluster;

import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.raft.Bootstrap;
import io.akkaetcd.raft.Configuration;
import io.akkaetcd.raft.MemoryRaftStorage;
import io.akkaetcd.raft.RaftConfig;
import io.akkaetcd.storage.RaftWal;
import java.util.TreeSet;

/**
 * Where a member's Raft log starts: a restarted member resumes from its WAL (the flags' initial cluster
 * is then ignored, as etcd ignores it); a brand-new member of a new cluster writes the initial
 * membership into its log first; one joining an existing cluster starts empty and learns the log from
 * the leader.
 */
public final class RaftBootstrap {
  private RaftBootstrap() {}

  public record Loaded(MemoryRaftStorage storage, long memberId) {
    /** etcd's timing in ticks: one tick per heartbeat interval; election timeout as a multiple of it. */
    public RaftConfig raftConfig(MemberConfig config) {
      int electionTicks = Math.max(2, config.electionTimeoutMs() / config.heartbeatIntervalMs());
      return new RaftConfig(memberId, electionTicks, 1, true, true, 256, 256, 1L << 20);
    }
  }

  public static Loaded load(RaftWal wal, ClusterLayout layout, String initialClusterState) {
    return load(wal, layout, initialClusterState, false);
  }

  /**
   * @param forceNewCluster etcd's --force-new-cluster: a restarted member becomes a one-member cluster
   *     keeping its data (see {@link ForceNewCluster}); ignored for a member without a log, as etcd does
   */
  public static Loaded load(RaftWal wal, ClusterLayout layout, String initialClusterState, boolean forceNewCluster) {
    if (!wal.isEmpty()) {
      MemoryRaftStorage storage = wal.load();
      if (forceNewCluster) {
        ForceNewCluster.apply(storage, wal, layout.memberId());
      }
      return new Loaded(storage, layout.memberId());
    }
    if ("existing".equals(initialClusterState)) {
      return new Loaded(new MemoryRaftStorage(Configuration.EMPTY), layout.memberId());
    }
    Bootstrap bootstrap = Bootstrap.of(new Configuration(new TreeSet<>(layout.members().keySet()), new TreeSet<>()));
    MemoryRaftStorage storage = MemoryRaftStorage.bootstrapped(
        new Configuration(new TreeSet<>(layout.members().keySet()), new TreeSet<>()));
    wal.save(bootstrap.hardState(), bootstrap.entries(), null, true);
    return new Loaded(storage, layout.memberId());
  }
}
