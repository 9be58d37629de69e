package io.akkaetcd.auth;

import com.google.protobuf.ByteString;
import io.akkaetcd.api.Permission;
import io.akkaetcd.api.Role;
import io.akkaetcd.api.User;
import io.akkaetcd.api.UserAddOptions;
import io.akkaetcd.errors.EtcdError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * etcd's auth store (auth/store.go) as a pure state machine: users with bcrypt hashes and roles, roles
 * with key permissions, the enabled flag and the auth revision, which every change that etcd counts
 * increments. Mutations run on one thread (the store actor applying the log) and report what changed
 * to {@link Persistence}, which writes it in the same batch as the entry's consistent index. Hashing
 * happens before proposing (the hash travels in the request), so applying is cheap and deterministic.
 *
 * <p>Rules, as etcd's: enable needs user root holding role root (enabling twice is a no-op and, as in
 * etcd, does not bump the revision); while enabled, user root cannot be deleted nor lose role root,
 * and role root cannot be deleted; granting the role root needs no role record.
 */
public final class AuthStore {
  /** Receives every change to write to the backend. */
  public interface Persistence {
    void putUser(User user);

    void deleteUser(String name);

    void putRole(Role role);

    void deleteRole(String name);

    /** etcd's "auth" bucket: authEnabled and authRevision. */
    void putState(boolean enabled, long revision);

    Persistence NONE = new Persistence() {
      @Override
      public void putUser(User user) { }

      @Override
      public void deleteUser(String name) { }

      @Override
      public void putRole(Role role) { }

      @Override
      public void deleteRole(String name) { }

      @Override
      public void putState(boolean enabled, long revision) { }
    };
  }

  private final Persistence persistence;
  private final TreeMap<String, User> users = new TreeMap<>();
  private final TreeMap<String, Role> roles = new TreeMap<>();
  private boolean enabled;
  private long revision;
  private volatile AuthView view;

  /** A fresh store is at auth revision 1, as etcd's NewAuthStore commits it. */
  public AuthStore(Persistence persistence) {
    this(persistence, List.of(), List.of(), false, 0);
  }

  /** A store over state read back from a backend (or an etcd data dir); revision 0 means none stored. */
  public AuthStore(Persistence persistence, Collection<User> users, Collection<Role> roles, boolean enabled,
      long revision) {
    this.persistence = persistence;
    users.forEach(u -> this.users.put(u.getName().toStringUtf8(), u));
    roles.forEach(r -> this.roles.put(r.getName().toStringUtf8(), r));
    this.enabled = enabled;
    this.revision = revision == 0 ? 1 : revision;
    publish();
  }

  /** The current state; safe to read from any thread. */
  public AuthView view() {
    return view;
  }

  public void enable() {
    if (enabled) {
      return;
    }
    User root = users.get(AuthView.ROOT);
    if (root == null) {
      throw EtcdError.ROOT_USER_NOT_EXIST.exception();
    }
    if (!AuthView.hasRootRole(root)) {
      throw EtcdError.ROOT_ROLE_NOT_EXIST.exception();
    }
    enabled = true;
    persistence.putState(true, revision);
    publish();
  }

  public void disable() {
    if (!enabled) {
      return;
    }
    enabled = false;
    commit();
  }

  /** @param hashedPassword the bcrypt hash (empty for a user without password) */
  public void userAdd(String name, ByteString hashedPassword, boolean noPassword) {
    if (name.isEmpty()) {
      throw EtcdError.USER_EMPTY.exception();
    }
    if (users.containsKey(name)) {
      throw EtcdError.USER_ALREADY_EXIST.exception();
    }
    User user = User.newBuilder().setName(ByteString.copyFromUtf8(name))
        .setPassword(noPassword ? ByteString.EMPTY : hashedPassword)
        .setOptions(UserAddOptions.newBuilder().setNoPassword(noPassword)).build();
    putUser(user);
    commit();
  }

  public void userDelete(String name) {
    if (enabled && name.equals(AuthView.ROOT)) {
      throw EtcdError.INVALID_AUTH_MGMT.exception();
    }
    if (users.remove(name) == null) {
      throw EtcdError.USER_NOT_FOUND.exception();
    }
    persistence.deleteUser(name);
    commit();
  }

  public void userChangePassword(String name, ByteString hashedPassword) {
    User user = existingUser(name);
    putUser(user.toBuilder().setPassword(hashedPassword).build());
    commit();
  }

  public void userGrantRole(String name, String role) {
    User user = existingUser(name);
    if (!role.equals(AuthView.ROOT) && !roles.containsKey(role)) {
      throw EtcdError.ROLE_NOT_FOUND.exception();
    }
    if (user.getRolesList().contains(role)) {
      return;
    }
    List<String> granted = new ArrayList<>(user.getRolesList());
    granted.add(role);
    Collections.sort(granted);
    putUser(user.toBuilder().clearRoles().addAllRoles(granted).build());
    commit();
  }

  public void userRevokeRole(String name, String role) {
    if (enabled && name.equals(AuthView.ROOT) && role.equals(AuthView.ROOT)) {
      throw EtcdError.INVALID_AUTH_MGMT.exception();
    }
    User user = existingUser(name);
    if (!user.getRolesList().contains(role)) {
      throw EtcdError.ROLE_NOT_GRANTED.exception();
    }
    putUser(withoutRole(user, role));
    commit();
  }

  public List<String> userGet(String name) {
    return existingUser(name).getRolesList();
  }

  public List<String> userList() {
    return List.copyOf(users.keySet());
  }

  public void roleAdd(String name) {
    if (name.isEmpty()) {
      throw EtcdError.ROLE_EMPTY.exception();
    }
    if (roles.containsKey(name)) {
      throw EtcdError.ROLE_ALREADY_EXIST.exception();
    }
    putRole(Role.newBuilder().setName(ByteString.copyFromUtf8(name)).build());
    commit();
  }

  public List<Permission> roleGet(String name) {
    return existingRole(name).getKeyPermissionList();
  }

  public List<String> roleList() {
    return List.copyOf(roles.keySet());
  }

  public void roleDelete(String name) {
    if (enabled && name.equals(AuthView.ROOT)) {
      throw EtcdError.INVALID_AUTH_MGMT.exception();
    }
    existingRole(name);
    roles.remove(name);
    persistence.deleteRole(name);
    for (User user : List.copyOf(users.values())) {
      if (user.getRolesList().contains(name)) {
        putUser(withoutRole(user, name));
      }
    }
    commit();
  }

  /** Adds the permission, or changes the type of the one on the same key and range end. */
  public void roleGrantPermission(String name, Permission permission) {
    if (permission == null) {
      throw EtcdError.PERMISSION_NOT_GIVEN.exception();
    }
    if (!isValidRange(permission.getKey(), permission.getRangeEnd())) {
      throw EtcdError.INVALID_AUTH_MGMT.exception();
    }
    Role role = existingRole(name);
    List<Permission> permissions = new ArrayList<>(role.getKeyPermissionList());
    int same = indexOf(permissions, permission.getKey(), permission.getRangeEnd());
    if (same >= 0) {
      permissions.set(same, permissions.get(same).toBuilder().setPermType(permission.getPermType()).build());
    } else {
      permissions.add(Permission.newBuilder().setKey(permission.getKey()).setRangeEnd(permission.getRangeEnd())
          .setPermType(permission.getPermType()).build());
      // etcd keeps them sorted by key (a stable sort: equal keys stay in grant order).
      permissions.sort((a, b) -> Arrays.compareUnsigned(a.getKey().toByteArray(), b.getKey().toByteArray()));
    }
    putRole(role.toBuilder().clearKeyPermission().addAllKeyPermission(permissions).build());
    commit();
  }

  public void roleRevokePermission(String name, ByteString key, ByteString rangeEnd) {
    Role role = existingRole(name);
    List<Permission> permissions = new ArrayList<>(role.getKeyPermissionList());
    int same = indexOf(permissions, key, rangeEnd);
    if (same < 0) {
      throw EtcdError.PERMISSION_NOT_GRANTED.exception();
    }
    permissions.remove(same);
    putRole(role.toBuilder().clearKeyPermission().addAllKeyPermission(permissions).build());
    commit();
  }

  /**
   * etcd 3.5's isValidPermissionRange: a key and a range end after it, or "\0" (from the key on); an
   * empty key only with "\0" (every key, as etcd's TestCtlV3AuthFromKeyPerm grants it).
   */
  static boolean isValidRange(ByteString key, ByteString rangeEnd) {
    boolean fromKey = rangeEnd.size() == 1 && rangeEnd.byteAt(0) == 0;
    if (key.isEmpty()) {
      return fromKey;
    }
    if (rangeEnd.isEmpty() || fromKey) {
      return true;
    }
    return ByteString.unsignedLexicographicalComparator().compare(key, rangeEnd) < 0;
  }

  private static int indexOf(List<Permission> permissions, ByteString key, ByteString rangeEnd) {
    for (int i = 0; i < permissions.size(); i++) {
      if (permissions.get(i).getKey().equals(key) && permissions.get(i).getRangeEnd().equals(rangeEnd)) {
        return i;
      }
    }
    return -1;
  }

  private static User withoutRole(User user, String role) {
    return user.toBuilder().clearRoles()
        .addAllRoles(user.getRolesList().stream().filter(r -> !r.equals(role)).toList()).build();
  }

  private User existingUser(String name) {
    User user = users.get(name);
    if (user == null) {
      throw EtcdError.USER_NOT_FOUND.exception();
    }
    return user;
  }

  private Role existingRole(String name) {
    Role role = roles.get(name);
    if (role == null) {
      throw EtcdError.ROLE_NOT_FOUND.exception();
    }
    return role;
  }

  private void putUser(User user) {
    users.put(user.getName().toStringUtf8(), user);
    persistence.putUser(user);
  }

  private void putRole(Role role) {
    roles.put(role.getName().toStringUtf8(), role);
    persistence.putRole(role);
  }

  /** etcd's commitRevision plus refreshRangePermCache. */
  private void commit() {
    revision++;
    persistence.putState(enabled, revision);
    publish();
  }

  private void publish() {
    Map<String, RangePermissions> merged = new HashMap<>();
    for (User user : users.values()) {
      List<Permission> permissions = new ArrayList<>();
      for (String roleName : user.getRolesList()) {
        Role role = roles.get(roleName);
        if (role != null) {
          permissions.addAll(role.getKeyPermissionList());
        }
      }
      merged.put(user.getName().toStringUtf8(), RangePermissions.merge(permissions));
    }
    SortedMap<String, User> usersNow = Collections.unmodifiableSortedMap(new TreeMap<>(users));
    SortedMap<String, Role> rolesNow = Collections.unmodifiableSortedMap(new TreeMap<>(roles));
    view = new AuthView(enabled, revision, usersNow, rolesNow, Map.copyOf(merged));
  }
}
