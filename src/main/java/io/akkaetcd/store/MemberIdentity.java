package io.akkaetcd.store;

import io.akkaetcd.mvcc.Backend;
import io.akkaetcd.mvcc.Schema;
import io.akkaetcd.mvcc.WriteBatch;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;

/**
 * Who this member is: its id and its cluster's, decided once at bootstrap and kept in the backend's
 * meta bucket ({@link Schema#META_MEMBER_ID}, {@link Schema#META_CLUSTER_ID}), so a restart reports
 * the same ids whatever its {@code --initial-cluster*} flags now say (etcd ignores them too once it
 * has data). {@code clusterId} 0: a member that joined an existing cluster and has not yet learned
 * the cluster's id from the log (see {@link #clusterIdOf}).
 */
public record MemberIdentity(long memberId, long clusterId) {

  /** What bootstrap stored, or null for a backend that never held an identity. */
  public static MemberIdentity read(Backend backend) {
    byte[] member = backend.get(Schema.META_MEMBER_ID);
    if (member == null) {
      return null;
    }
    byte[] cluster = backend.get(Schema.META_CLUSTER_ID);
    return new MemberIdentity(ByteBuffer.wrap(member).getLong(), cluster == null ? 0 : ByteBuffer.wrap(cluster).getLong());
  }

  /**
   * Stores the identity at bootstrap in one synced write, together with the consistent index (as the
   * backend holds it, else 0): every meta change travels with the consistent index.
   */
  public static void storeAtBootstrap(Backend backend, MemberIdentity identity) {
    WriteBatch batch = new WriteBatch();
    byte[] index = backend.get(Schema.META_CONSISTENT_INDEX);
    batch.put(Schema.META_CONSISTENT_INDEX, index != null ? index : encode(0));
    batch.put(Schema.META_MEMBER_ID, encode(identity.memberId()));
    if (identity.clusterId() != 0) {
      batch.put(Schema.META_CLUSTER_ID, encode(identity.clusterId()));
    }
    backend.write(batch, true);
  }

  /**
   * etcd's cluster id: the first 8 bytes (big-endian) of SHA-1 over the initial members' ids, sorted
   * as unsigned numbers. Every member computes it from the same initial membership: the founders from
   * {@code --initial-cluster}, a member that joined later from the log's term-1 entries, which are
   * that membership (one ADD_VOTER each, see {@link io.akkaetcd.raft.Bootstrap}).
   */
  public static long clusterIdOf(Collection<Long> initialMemberIds) {
    ByteBuffer buf = ByteBuffer.allocate(8 * initialMemberIds.size());
    initialMemberIds.stream().sorted(Long::compareUnsigned).forEach(buf::putLong);
    try {
      return ByteBuffer.wrap(MessageDigest.getInstance("SHA-1").digest(buf.array()), 0, 8).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] encode(long value) {
    return ByteBuffer.allocate(8).putLong(value).array();
  }
}
