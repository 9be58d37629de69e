package io.akkaetcd.cluster;

import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.raft.Configuration;
import io.akkaetcd.raft.RaftConfig;
import java.util.TreeSet;

/**
 * Where a member's Raft log starts: a restarted member resumes from what its WAL actor recovers (the flags'
 * initial cluster is then ignored, as etcd ignores it); a brand-new member of a new cluster writes the initial
 * membership into its log first; one joining an existing cluster starts empty and learns the log from the leader.
 */
public final class RaftBootstrap {
  private RaftBootstrap() {}

  public static RaftActor.Start start(ClusterLayout layout, MemberConfig config) {
    Configuration membership = "existing".equals(config.initialClusterState()) ? null
        : new Configuration(new TreeSet<>(layout.members().keySet()), new TreeSet<>());
    return new RaftActor.Start(raftConfig(layout.memberId(), config), membership);
  }

  /** etcd's timing in ticks: one tick per heartbeat interval; election timeout as a multiple of it. */
  static RaftConfig raftConfig(long memberId, MemberConfig config) {
    int electionTicks = Math.max(2, config.electionTimeoutMs() / config.heartbeatIntervalMs());
    return new RaftConfig(memberId, electionTicks, 1, true, true, 256, 256, 1L << 20);
  }
}
