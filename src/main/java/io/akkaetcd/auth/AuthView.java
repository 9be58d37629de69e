package io.akkaetcd.auth;

import com.google.protobuf.ByteString;
import io.akkaetcd.api.Permission;
import io.akkaetcd.api.Role;
import io.akkaetcd.api.User;
import io.akkaetcd.errors.EtcdError;
import java.util.Map;
import java.util.SortedMap;

/**
 * An immutable picture of the auth state at one auth revision, with etcd's permission checks
 * (auth/store.go isOpPermitted, IsAdminPermitted). The store replaces its view on every change, so any
 * thread may check against the view it read without locks.
 */
public record AuthView(boolean enabled, long revision, SortedMap<String, User> users, SortedMap<String, Role> roles,
    Map<String, RangePermissions> permissions) {
  public static final String ROOT = "root";

  public User user(String name) {
    return users.get(name);
  }

  public Role role(String name) {
    return roles.get(name);
  }

  public static boolean hasRootRole(User user) {
    return user.getRolesList().contains(ROOT);
  }

  public boolean hasRole(String user, String role) {
    User u = users.get(user);
    return u != null && u.getRolesList().contains(role);
  }

  /** etcd's IsRangePermitted: READ on the key, or on [key, rangeEnd). */
  public void checkRead(AuthInfo who, ByteString key, ByteString rangeEnd) {
    check(who, key, rangeEnd, Permission.Type.READ);
  }

  /** etcd's IsPutPermitted / IsDeleteRangePermitted: WRITE on the key, or on [key, rangeEnd). */
  public void checkWrite(AuthInfo who, ByteString key, ByteString rangeEnd) {
    check(who, key, rangeEnd, Permission.Type.WRITE);
  }

  private void check(AuthInfo who, ByteString key, ByteString rangeEnd, Permission.Type type) {
    if (!enabled) {
      return;
    }
    if (who == null || who.revision() == 0) {
      throw EtcdError.USER_EMPTY.exception();
    }
    if (who.revision() < revision) {
      throw EtcdError.AUTH_OLD_REVISION.exception();
    }
    User user = users.get(who.username());
    if (user == null) {
      throw EtcdError.PERMISSION_DENIED.exception();
    }
    if (hasRootRole(user)) {
      return;
    }
    if (!permissions.getOrDefault(who.username(), RangePermissions.NONE).allows(type, key, rangeEnd)) {
      throw EtcdError.PERMISSION_DENIED.exception();
    }
  }

  /** etcd's IsAdminPermitted: the user must hold the root role (no revision check, as etcd). */
  public void checkAdmin(AuthInfo who) {
    if (!enabled) {
      return;
    }
    if (who == null || who.username().isEmpty()) {
      throw EtcdError.USER_EMPTY.exception();
    }
    User user = users.get(who.username());
    if (user == null) {
      throw EtcdError.USER_NOT_FOUND.exception();
    }
    if (!hasRootRole(user)) {
      throw EtcdError.PERMISSION_DENIED.exception();
    }
  }

  /** Whether {@code who} may act as an admin; never throws. */
  public boolean isAdmin(AuthInfo who) {
    try {
      checkAdmin(who);
      return true;
    } catch (io.akkaetcd.errors.EtcdException e) {
      return false;
    }
  }
}
