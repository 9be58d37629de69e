package io.akkaetcd.cluster;

import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.raft.Configuration;
import io.akkaetcd.raft.RaftConfig;
import java.util.TreeSet;

/**
 * Where a member's Raft log starts: a restarted member resumes from what its WAL actor recovers (the flags'
 * initial cluster is then ignored, as etcd ignores it); a brand-new member of a new cluster writes the initial
 * membership into its log first; one imported from etcd's files lays the imported log; one joining an existing
 * cluster starts empty and learns the log from the leader.
 */
public final class RaftBootstrap {
  private RaftBootstrap() {}

  public static RaftActor.Start start(ClusterLayout layout, MemberConfig config) {
    return start(layout, config, null, false);
  }

  /**
   * @param imported the log of a member imported from etcd's files (null: none)
   * @param forceNewCluster etcd's --force-new-cluster: a restarted member becomes a one-member cluster
   *     keeping its data (see {@link ForceNewCluster}); ignored for a member without a log, as etcd does
   */
  public static RaftActor.Start start(ClusterLayout layout, MemberConfig config, RaftActor.InitialLog imported,
      boolean forceNewCluster) {
    Configuration membership = "existing".equals(config.initialClusterState()) ? null
        : new Configuration(new TreeSet<>(layout.members().keySet()), new TreeSet<>());
    return new RaftActor.Start(raftConfig(layout.memberId(), config), membership, imported, forceNewCluster);
  }

  /** etcd's timing in ticks: one tick per heartbeat interval; election timeout as a multiple of it. */
  static RaftConfig raftConfig(long memberId, MemberConfig config) {
    int electionTicks = Math.max(2, config.electionTimeoutMs() / config.heartbeatIntervalMs());
    return new RaftConfig(memberId, electionTicks, 1, true, true, 256, 256, 1L << 20);
  }
}
