package io.akkaetcd.store;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.akkaetcd.api.AuthDisableResponse;
import io.akkaetcd.api.AuthEnableResponse;
import io.akkaetcd.api.AuthRoleAddResponse;
import io.akkaetcd.api.AuthRoleDeleteResponse;
import io.akkaetcd.api.AuthRoleGetResponse;
import io.akkaetcd.api.AuthRoleGrantPermissionResponse;
import io.akkaetcd.api.AuthRoleListResponse;
import io.akkaetcd.api.AuthRoleRevokePermissionResponse;
import io.akkaetcd.api.AuthStatusResponse;
import io.akkaetcd.api.AuthUserAddResponse;
import io.akkaetcd.api.AuthUserChangePasswordResponse;
import io.akkaetcd.api.AuthUserDeleteResponse;
import io.akkaetcd.api.AuthUserGetResponse;
import io.akkaetcd.api.AuthUserGrantRoleResponse;
import io.akkaetcd.api.AuthUserListResponse;
import io.akkaetcd.api.AuthUserRevokeRoleResponse;
import io.akkaetcd.api.AuthenticateResponse;
import io.akkaetcd.api.DeleteRangeRequest;
import io.akkaetcd.api.InternalAuthenticateRequest;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.RequestOp;
import io.akkaetcd.api.ResponseHeader;
import io.akkaetcd.api.TxnRequest;
import io.akkaetcd.api.User;
import io.akkaetcd.auth.AuthInfo;
import io.akkaetcd.auth.AuthStore;
import io.akkaetcd.auth.AuthView;
import io.akkaetcd.auth.TokenProvider;
import io.akkaetcd.errors.EtcdError;
import java.util.List;

/**
 * The auth part of applying an entry, as etcd's authApplierV3: auth requests change the
 * {@link AuthStore}; every KV write is checked against the permissions of the user named in the
 * entry's header, at the auth revision it carries, as the entry applies. So a revoke takes effect at
 * one point of the log on every member, leader and follower alike.
 */
final class AuthApplier {
  private final AuthStore store;
  private final TokenProvider tokens;

  AuthApplier(AuthStore store, TokenProvider tokens) {
    this.store = store;
    this.tokens = tokens;
    if (store.view().enabled()) {
      tokens.enable();
    }
  }

  AuthStore store() {
    return store;
  }

  static AuthInfo who(InternalRaftRequest request) {
    return new AuthInfo(request.getHeader().getUsername(), request.getHeader().getAuthRevision());
  }

  static boolean isAuthRequest(InternalRaftRequest r) {
    return r.hasAuthEnable() || r.hasAuthDisable() || r.hasAuthStatus() || r.hasAuthenticate()
        || r.hasAuthUserAdd() || r.hasAuthUserDelete() || r.hasAuthUserGet() || r.hasAuthUserChangePassword()
        || r.hasAuthUserGrantRole() || r.hasAuthUserRevokeRole() || r.hasAuthUserList() || r.hasAuthRoleList()
        || r.hasAuthRoleAdd() || r.hasAuthRoleDelete() || r.hasAuthRoleGet() || r.hasAuthRoleGrantPermission()
        || r.hasAuthRoleRevokePermission();
  }

  /** etcd's needAdminPermission: every change, and the lists. */
  private static boolean needsAdmin(InternalRaftRequest r) {
    return r.hasAuthEnable() || r.hasAuthDisable() || r.hasAuthUserAdd() || r.hasAuthUserDelete()
        || r.hasAuthUserChangePassword() || r.hasAuthUserGrantRole() || r.hasAuthUserRevokeRole()
        || r.hasAuthRoleAdd() || r.hasAuthRoleGrantPermission() || r.hasAuthRoleRevokePermission()
        || r.hasAuthRoleDelete() || r.hasAuthUserList() || r.hasAuthRoleList();
  }

  Message apply(InternalRaftRequest r, long raftIndex, ResponseHeader header) {
    AuthInfo who = who(r);
    AuthView view = store.view();
    if (needsAdmin(r)) {
      view.checkAdmin(who);
    }
    if (r.hasAuthEnable()) {
      store.enable();
      tokens.enable();
      return AuthEnableResponse.newBuilder().setHeader(header).build();
    }
    if (r.hasAuthDisable()) {
      store.disable();
      tokens.disable();
      return AuthDisableResponse.newBuilder().setHeader(header).build();
    }
    if (r.hasAuthStatus()) {
      return AuthStatusResponse.newBuilder().setHeader(header).setEnabled(view.enabled())
          .setAuthRevision(view.revision()).build();
    }
    if (r.hasAuthenticate()) {
      return authenticate(r.getAuthenticate(), raftIndex, header);
    }
    if (r.hasAuthUserAdd()) {
      var add = r.getAuthUserAdd();
      store.userAdd(add.getName(), ByteString.copyFromUtf8(add.getHashedPassword()),
          add.hasOptions() && add.getOptions().getNoPassword());
      return AuthUserAddResponse.newBuilder().setHeader(header).build();
    }
    if (r.hasAuthUserDelete()) {
      store.userDelete(r.getAuthUserDelete().getName());
      tokens.invalidateUser(r.getAuthUserDelete().getName());
      return AuthUserDeleteResponse.newBuilder().setHeader(header).build();
    }
    if (r.hasAuthUserChangePassword()) {
      var change = r.getAuthUserChangePassword();
      store.userChangePassword(change.getName(), ByteString.copyFromUtf8(change.getHashedPassword()));
      tokens.invalidateUser(change.getName());
      return AuthUserChangePasswordResponse.newBuilder().setHeader(header).build();
    }
    if (r.hasAuthUserGrantRole()) {
      store.userGrantRole(r.getAuthUserGrantRole().getUser(), r.getAuthUserGrantRole().getRole());
      return AuthUserGrantRoleResponse.newBuilder().setHeader(header).build();
    }
    if (r.hasAuthUserRevokeRole()) {
      store.userRevokeRole(r.getAuthUserRevokeRole().getName(), r.getAuthUserRevokeRole().getRole());
      return AuthUserRevokeRoleResponse.newBuilder().setHeader(header).build();
    }
    if (r.hasAuthUserGet()) {
      String name = r.getAuthUserGet().getName();
      // etcd: an admin, or the user itself.
      if (!name.equals(who.username())) {
        view.checkAdmin(who);
      }
      return AuthUserGetResponse.newBuilder().setHeader(header).addAllRoles(store.userGet(name)).build();
    }
    if (r.hasAuthUserList()) {
      return AuthUserListResponse.newBuilder().setHeader(header).addAllUsers(store.userList()).build();
    }
    if (r.hasAuthRoleAdd()) {
      store.roleAdd(r.getAuthRoleAdd().getName());
      return AuthRoleAddResponse.newBuilder().setHeader(header).build();
    }
    if (r.hasAuthRoleGet()) {
      String role = r.getAuthRoleGet().getRole();
      // etcd: an admin, or a user holding the role.
      if (!view.hasRole(who.username(), role)) {
        view.checkAdmin(who);
      }
      return AuthRoleGetResponse.newBuilder().setHeader(header).addAllPerm(store.roleGet(role)).build();
    }
    if (r.hasAuthRoleList()) {
      return AuthRoleListResponse.newBuilder().setHeader(header).addAllRoles(store.roleList()).build();
    }
    if (r.hasAuthRoleDelete()) {
      store.roleDelete(r.getAuthRoleDelete().getRole());
      return AuthRoleDeleteResponse.newBuilder().setHeader(header).build();
    }
    if (r.hasAuthRoleGrantPermission()) {
      var grant = r.getAuthRoleGrantPermission();
      store.roleGrantPermission(grant.getName(), grant.hasPerm() ? grant.getPerm() : null);
      return AuthRoleGrantPermissionResponse.newBuilder().setHeader(header).build();
    }
    var revoke = r.getAuthRoleRevokePermission();
    store.roleRevokePermission(revoke.getRole(), revoke.getKey(), revoke.getRangeEnd());
    return AuthRoleRevokePermissionResponse.newBuilder().setHeader(header).build();
  }

  /** The password was checked by the member that received the call; here the token is issued. */
  private Message authenticate(InternalAuthenticateRequest request, long raftIndex, ResponseHeader header) {
    AuthView view = store.view();
    if (!view.enabled()) {
      throw EtcdError.AUTH_NOT_ENABLED.exception();
    }
    User user = view.user(request.getName());
    if (user == null || (user.hasOptions() && user.getOptions().getNoPassword())) {
      throw EtcdError.AUTH_FAILED.exception();
    }
    String token = tokens.assign(request.getName(), view.revision(), request.getSimpleToken(), raftIndex);
    return AuthenticateResponse.newBuilder().setHeader(header).setToken(token).build();
  }

  // ---- permission checks of KV writes, as authApplierV3 ----

  void checkPut(AuthInfo who, PutRequest put, List<ByteString> keysOfItsLease) {
    AuthView view = store.view();
    view.checkWrite(who, put.getKey(), ByteString.EMPTY);
    checkLeaseKeys(view, who, keysOfItsLease);
    if (put.getPrevKv()) {
      view.checkRead(who, put.getKey(), ByteString.EMPTY);
    }
  }

  void checkDeleteRange(AuthInfo who, DeleteRangeRequest delete) {
    AuthView view = store.view();
    view.checkWrite(who, delete.getKey(), delete.getRangeEnd());
    if (delete.getPrevKv()) {
      view.checkRead(who, delete.getKey(), delete.getRangeEnd());
    }
  }

  /** Every compare needs read; every op its own permission; nested txns likewise (etcd 3.5). */
  void checkTxn(AuthInfo who, TxnRequest txn) {
    AuthView view = store.view();
    if (!view.enabled()) {
      return;
    }
    txn.getCompareList().forEach(c -> view.checkRead(who, c.getKey(), c.getRangeEnd()));
    checkOps(view, who, txn.getSuccessList());
    checkOps(view, who, txn.getFailureList());
  }

  private void checkOps(AuthView view, AuthInfo who, List<RequestOp> ops) {
    for (RequestOp op : ops) {
      switch (op.getRequestCase()) {
        case REQUEST_RANGE -> view.checkRead(who, op.getRequestRange().getKey(), op.getRequestRange().getRangeEnd());
        case REQUEST_PUT -> view.checkWrite(who, op.getRequestPut().getKey(), ByteString.EMPTY);
        case REQUEST_DELETE_RANGE -> {
          if (op.getRequestDeleteRange().getPrevKv()) {
            view.checkRead(who, op.getRequestDeleteRange().getKey(), op.getRequestDeleteRange().getRangeEnd());
          }
          view.checkWrite(who, op.getRequestDeleteRange().getKey(), op.getRequestDeleteRange().getRangeEnd());
        }
        case REQUEST_TXN -> checkTxn(who, op.getRequestTxn());
        default -> { }
      }
    }
  }

  /** etcd's checkLeasePuts: acting on a lease needs write on every key attached to it. */
  void checkLeaseKeys(AuthView view, AuthInfo who, List<ByteString> keys) {
    if (!view.enabled()) {
      return;
    }
    keys.forEach(k -> view.checkWrite(who, k, ByteString.EMPTY));
  }

  AuthView view() {
    return store.view();
  }
}
