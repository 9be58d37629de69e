package io.akkaetcd.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.akkaetcd.api.Role;
import io.akkaetcd.api.User;
import io.akkaetcd.auth.AuthStore;
import io.akkaetcd.auth.AuthView;
import io.akkaetcd.mvcc.Backend;
import io.akkaetcd.mvcc.EtcdBuckets;
import io.akkaetcd.mvcc.MvccStore;
import io.akkaetcd.mvcc.Schema;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * etcd's three auth buckets in this member's backend ({@link Schema.Bucket#AUTH}, AUTH_ROLES,
 * AUTH_USERS), with etcd's encodings so a bolt snapshot holds them as etcd does:
 *
 * <pre>
 *   'A' "authEnabled"  -> 1 byte (1 on, 0 off)            (etcd's "auth" bucket)
 *   'A' "authRevision" -> 8 bytes big-endian
 *   'R' role name      -> serialized authpb.Role           (etcd's "authRoles")
 *   'U' user name      -> serialized authpb.User           (etcd's "authUsers")
 * </pre>
 *
 * Changes are staged in the MVCC store's pending batch, so they are written with the consistent index
 * of the entry that made them, and a crash replays both or neither.
 */
final class AuthBuckets implements AuthStore.Persistence {
  private static final byte[] ENABLED = "authEnabled".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REVISION = "authRevision".getBytes(StandardCharsets.US_ASCII);

  private final MvccStore mvcc;

  AuthBuckets(MvccStore mvcc) {
    this.mvcc = mvcc;
  }

  /** The auth store as the backend holds it (a fresh one when it holds none). */
  static AuthStore load(Backend backend, AuthStore.Persistence persistence) {
    List<User> users = new ArrayList<>();
    List<Role> roles = new ArrayList<>();
    try {
      for (byte[][] kv : scan(backend, Schema.Bucket.AUTH_USERS)) {
        users.add(User.parseFrom(kv[1]));
      }
      for (byte[][] kv : scan(backend, Schema.Bucket.AUTH_ROLES)) {
        roles.add(Role.parseFrom(kv[1]));
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt auth record", e);
    }
    byte[] enabled = backend.get(Schema.Bucket.AUTH.key(ENABLED));
    byte[] revision = backend.get(Schema.Bucket.AUTH.key(REVISION));
    return new AuthStore(persistence, users, roles, enabled != null && enabled.length == 1 && enabled[0] == 1,
        revision == null ? 0 : ByteBuffer.wrap(revision).getLong());
  }

  /** The buckets etcd's snapshot has, in bolt's name order: auth, authRoles, authUsers. */
  static void export(AuthView view, EtcdBuckets.Sink sink) {
    sink.bucket("auth");
    sink.put(ENABLED, new byte[] {(byte) (view.enabled() ? 1 : 0)});
    sink.put(REVISION, ByteBuffer.allocate(8).putLong(view.revision()).array());
    sink.bucket("authRoles");
    view.roles().values().forEach(r -> sink.put(r.getName().toByteArray(), r.toByteArray()));
    sink.bucket("authUsers");
    view.users().values().forEach(u -> sink.put(u.getName().toByteArray(), u.toByteArray()));
  }

  @Override
  public void putUser(User user) {
    mvcc.putInBucket(Schema.Bucket.AUTH_USERS, user.getName().toByteArray(), user.toByteArray());
  }

  @Override
  public void deleteUser(String name) {
    mvcc.deleteInBucket(Schema.Bucket.AUTH_USERS, name.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void putRole(Role role) {
    mvcc.putInBucket(Schema.Bucket.AUTH_ROLES, role.getName().toByteArray(), role.toByteArray());
  }

  @Override
  public void deleteRole(String name) {
    mvcc.deleteInBucket(Schema.Bucket.AUTH_ROLES, name.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void putState(boolean enabled, long revision) {
    mvcc.putInBucket(Schema.Bucket.AUTH, ENABLED, new byte[] {(byte) (enabled ? 1 : 0)});
    mvcc.putInBucket(Schema.Bucket.AUTH, REVISION, ByteBuffer.allocate(8).putLong(revision).array());
  }

  private static List<byte[][]> scan(Backend backend, Schema.Bucket bucket) {
    List<byte[][]> out = new ArrayList<>();
    backend.scan(bucket.start(), bucket.end(), (k, v) -> out.add(new byte[][] {k, v}));
    return out;
  }
}
