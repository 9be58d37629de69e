package io.akkaetcd.etcdfiles;

import io.akkaetcd.api.Member;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.function.BiConsumer;

/**
 * What an etcd member's data dir holds, in terms that do not depend on how this project stores it: the
 * point the Raft log resumes from (the backend's consistent index and that entry's term), the members and
 * the configuration in force there, the log after it, and the v3 state (keys by revision, leases, auth,
 * alarms). The keys are not held in memory: {@link #forEachRevision} reads them from the bolt file.
 *
 * @param startIndex the backend's consistent index: everything up to it is in the backend
 * @param startTerm the term of the entry at {@code startIndex}
 * @param entriesAfter the log from {@code startIndex + 1}, contiguous, as the WAL holds it
 * @param currentRevision the highest revision in the key bucket (at least the compacted one)
 * @param compactRevision etcd's finishedCompactRev, -1 if never compacted
 */
public record EtcdImage(Path dataDir, long memberId, long clusterId, long term, long vote, long commit,
    long startIndex, long startTerm, SortedSet<Long> voters, SortedSet<Long> learners, Map<Long, Member> members,
    List<ImportedEntry> entriesAfter, long currentRevision, long compactRevision, List<Lease> leases, Auth auth,
    List<byte[]> alarms, Path db, long keyCount) {

  /** A lease with its TTL and the remaining TTL etcd last checkpointed (0 if none). */
  public record Lease(long id, long ttlSeconds, long remainingTtlSeconds) {}

  /** etcd's auth buckets: users and roles as authpb messages (this project's auth.proto has etcd's numbers). */
  public record Auth(boolean enabled, long revision, Map<String, byte[]> users, Map<String, byte[]> roles) {}

  /** One log entry after the start point, decoded from etcd's raftpb.Entry. */
  public sealed interface ImportedEntry {
    long index();

    long term();
  }

  /** An entry whose data is an etcdserverpb.InternalRaftRequest (this project's raft_internal.proto). */
  public record V3Request(long index, long term, byte[] request) implements ImportedEntry {}

  /** An empty entry (a new leader's no-op), or a v2 store write this project does not serve. */
  public record NoOp(long index, long term, String what) implements ImportedEntry {}

  /** etcd 3.4's v2 publish of a member's name and client URLs. */
  public record MemberAttributes(long index, long term, Member member) implements ImportedEntry {}

  /** A raftpb.ConfChange: 0 add, 1 remove, 2 update, 3 add learner; member from its context. */
  public record MembershipChange(long index, long term, int type, long nodeId, Member member)
      implements ImportedEntry {}

  /** Visits the key bucket: revision key (main(8) '_' sub(8) ['t']) and serialized mvccpb.KeyValue, in order. */
  public void forEachRevision(BiConsumer<byte[], byte[]> visitor) {
    try (BoltReader bolt = BoltReader.open(db)) {
      bolt.forEach("key", visitor);
    }
  }
}
