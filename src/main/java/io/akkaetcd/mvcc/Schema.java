package io.akkaetcd.mvcc;

import java.nio.charset.StandardCharsets;

/**
 * Every bucket a member keeps in its backend (etcd's {@code server/storage/schema}), each a one-byte
 * prefix of the backend's one ordered keyspace. Whatever applying an entry changes, in any bucket,
 * goes into the MVCC store's pending batch ({@link MvccStore#putInBucket}) and so reaches the backend
 * in the same write as that entry's consistent index: after a crash no bucket is ahead of or behind
 * the others.
 *
 * <pre>
 *   'k' key      main(8) '_' sub(8) ['t']  -> KeyValue           (see {@link BackendLayout})
 *   'm' meta     name                      -> 8-byte big-endian long
 *   'l' lease    id(8)                     -> ttl(8) remainingTtl(8)
 *   'a' alarm    serialized AlarmMember    -> empty
 *   'c' members  id(8)                     -> serialized Member
 *   'A' auth     "authEnabled", "authRevision" -> 1 byte, 8-byte big-endian long
 *   'R' authRoles role name                -> serialized authpb.Role
 *   'U' authUsers user name                -> serialized authpb.User
 * </pre>
 */
public final class Schema {
  public enum Bucket {
    KEY('k', "key"),
    META('m', "meta"),
    LEASE('l', "lease"),
    ALARM('a', "alarm"),
    MEMBERS('c', "members"),
    AUTH('A', "auth"),
    AUTH_ROLES('R', "authRoles"),
    AUTH_USERS('U', "authUsers");

    public final byte prefix;
    /** etcd's bucket name. */
    public final String etcdName;

    Bucket(char prefix, String etcdName) {
      this.prefix = (byte) prefix;
      this.etcdName = etcdName;
    }

    /** {@code name} as stored: behind this bucket's prefix. */
    public byte[] key(byte[] name) {
      byte[] key = new byte[1 + name.length];
      key[0] = prefix;
      System.arraycopy(name, 0, key, 1, name.length);
      return key;
    }

    /** The bucket spans [start, end). */
    public byte[] start() {
      return new byte[] {prefix};
    }

    public byte[] end() {
      return new byte[] {(byte) (prefix + 1)};
    }
  }

  /** The Raft index of the last entry applied, written with that entry's changes (etcd's consistent_index). */
  public static final byte[] META_CONSISTENT_INDEX = Bucket.META.key(ascii("consistent_index"));

  /** The member's own id and its cluster's, stored at bootstrap and read back at every start. */
  public static final byte[] META_MEMBER_ID = Bucket.META.key(ascii("member_id"));
  public static final byte[] META_CLUSTER_ID = Bucket.META.key(ascii("cluster_id"));

  private Schema() {}

  static byte[] ascii(String name) {
    return name.getBytes(StandardCharsets.US_ASCII);
  }
}
