package io.akkaetcd.cluster;

import io.akkaetcd.cluster.proto.PeerMessage;
import io.akkaetcd.raft.Configuration;
import java.util.HashSet;
import java.util.Set;

/**
 * Who may speak to this member's Raft: a message is taken only if it is addressed to this member, carries
 * this cluster's ID, and comes from a member of the Raft configuration (etcd's rafthttp checks the
 * X-Etcd-Cluster-ID header and the sender against its member list and removed set the same way). Before
 * the log has delivered any configuration (a member joining an existing cluster, or one replaying its
 * log), the members named by --initial-cluster stand in for it.
 *
 * <p>A member that joins an existing cluster does not know the cluster's ID from its flags (they name a
 * different set of members), so it starts with the ID unknown and adopts the one carried by the first
 * message that passes the membership check, as etcd's joiner learns it from the existing members.
 */
public final class PeerAuthentication {

  /** Why a message was taken or dropped. */
  public enum Verdict {
    ACCEPTED, NOT_ADDRESSED_TO_THIS_MEMBER, OTHER_CLUSTER, REMOVED_MEMBER, UNKNOWN_MEMBER
  }

  /** Means "not known yet": no cluster has ID 0, which etcd reserves as none. */
  public static final long UNKNOWN_CLUSTER = 0;

  private final long selfId;
  private final Set<Long> initialMembers;
  private final Set<Long> removed = new HashSet<>();
  private long clusterId;
  private Configuration configuration = Configuration.EMPTY;

  public PeerAuthentication(long selfId, long clusterId, Set<Long> initialMembers) {
    this.selfId = selfId;
    this.clusterId = clusterId;
    this.initialMembers = Set.copyOf(initialMembers);
  }

  public Verdict check(PeerMessage m) {
    if (m.getTo() != selfId) {
      return Verdict.NOT_ADDRESSED_TO_THIS_MEMBER;
    }
    if (clusterId != UNKNOWN_CLUSTER && m.getClusterId() != clusterId) {
      return Verdict.OTHER_CLUSTER;
    }
    long from = m.getFrom();
    boolean member = configuration.contains(from)
        || (configuration.members().isEmpty() && initialMembers.contains(from) && !removed.contains(from));
    if (!member) {
      return removed.contains(from) ? Verdict.REMOVED_MEMBER : Verdict.UNKNOWN_MEMBER;
    }
    if (clusterId == UNKNOWN_CLUSTER && m.getClusterId() != UNKNOWN_CLUSTER) {
      clusterId = m.getClusterId();
    }
    return Verdict.ACCEPTED;
  }

  /** The Raft configuration now in effect; a member that leaves it is remembered as removed. */
  public void configurationChanged(Configuration next) {
    for (long id : configuration.members()) {
      if (!next.contains(id)) {
        removed.add(id);
      }
    }
    next.members().forEach(removed::remove);
    configuration = next;
  }

  public long clusterId() {
    return clusterId;
  }
}
