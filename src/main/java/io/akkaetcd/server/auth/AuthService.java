package io.akkaetcd.server.auth;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.akkaetcd.api.Auth;
import io.akkaetcd.api.AuthDisableRequest;
import io.akkaetcd.api.AuthDisableResponse;
import io.akkaetcd.api.AuthEnableRequest;
import io.akkaetcd.api.AuthEnableResponse;
import io.akkaetcd.api.AuthRoleAddRequest;
import io.akkaetcd.api.AuthRoleAddResponse;
import io.akkaetcd.api.AuthRoleDeleteRequest;
import io.akkaetcd.api.AuthRoleDeleteResponse;
import io.akkaetcd.api.AuthRoleGetRequest;
import io.akkaetcd.api.AuthRoleGetResponse;
import io.akkaetcd.api.AuthRoleGrantPermissionRequest;
import io.akkaetcd.api.AuthRoleGrantPermissionResponse;
import io.akkaetcd.api.AuthRoleListRequest;
import io.akkaetcd.api.AuthRoleListResponse;
import io.akkaetcd.api.AuthRoleRevokePermissionRequest;
import io.akkaetcd.api.AuthRoleRevokePermissionResponse;
import io.akkaetcd.api.AuthStatusRequest;
import io.akkaetcd.api.AuthStatusResponse;
import io.akkaetcd.api.AuthUserAddRequest;
import io.akkaetcd.api.AuthUserAddResponse;
import io.akkaetcd.api.AuthUserChangePasswordRequest;
import io.akkaetcd.api.AuthUserChangePasswordResponse;
import io.akkaetcd.api.AuthUserDeleteRequest;
import io.akkaetcd.api.AuthUserDeleteResponse;
import io.akkaetcd.api.AuthUserGetRequest;
import io.akkaetcd.api.AuthUserGetResponse;
import io.akkaetcd.api.AuthUserGrantRoleRequest;
import io.akkaetcd.api.AuthUserGrantRoleResponse;
import io.akkaetcd.api.AuthUserListRequest;
import io.akkaetcd.api.AuthUserListResponse;
import io.akkaetcd.api.AuthUserRevokeRoleRequest;
import io.akkaetcd.api.AuthUserRevokeRoleResponse;
import io.akkaetcd.api.AuthenticateRequest;
import io.akkaetcd.api.AuthenticateResponse;
import io.akkaetcd.api.InternalAuthenticateRequest;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.User;
import io.akkaetcd.auth.AuthInfo;
import io.akkaetcd.auth.AuthView;
import io.akkaetcd.auth.Caller;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.server.StoreClient;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * etcdserverpb.Auth, as etcd's v3_server: every call goes through the Raft log (so the admin check
 * and the change happen at one point of the log on every member), on behalf of the caller's token.
 * Passwords are bcrypt-hashed here, before proposing, so no plain password reaches the log; Authenticate
 * checks the password here, off the store actor, then proposes the token's issue.
 */
public final class AuthService implements Auth {
  private final StoreClient store;
  private final AuthGate gate;
  private final Passwords passwords;

  public AuthService(StoreClient store, AuthGate gate, Passwords passwords) {
    this.store = store;
    this.gate = gate;
    this.passwords = passwords;
  }

  private <R extends Message> CompletionStage<R> propose(InternalRaftRequest.Builder request, Caller caller) {
    AuthInfo who;
    try {
      who = gate.identify(caller);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return store.propose(request.build(), who);
  }

  public CompletionStage<AuthEnableResponse> authEnable(AuthEnableRequest in, Caller caller) {
    return propose(InternalRaftRequest.newBuilder().setAuthEnable(in), caller);
  }

  public CompletionStage<AuthDisableResponse> authDisable(AuthDisableRequest in, Caller caller) {
    return propose(InternalRaftRequest.newBuilder().setAuthDisable(in), caller);
  }

  public CompletionStage<AuthStatusResponse> authStatus(AuthStatusRequest in, Caller caller) {
    return propose(InternalRaftRequest.newBuilder().setAuthStatus(in), caller);
  }

  /**
   * etcd's Authenticate: catch up with the log (a linearizable read), check the password against the
   * hash as applied here, then propose the token's issue; if the auth store changed in between, the
   * password may have changed too, so check again.
   */
  public CompletionStage<AuthenticateResponse> authenticate(AuthenticateRequest in, Caller caller) {
    RangeRequest barrier = RangeRequest.newBuilder().setKey(ByteString.copyFrom(new byte[] {0})).setLimit(1)
        .setCountOnly(true).build();
    return store.range(barrier).thenCompose(caughtUp -> checkAndIssue(in));
  }

  private CompletionStage<AuthenticateResponse> checkAndIssue(AuthenticateRequest in) {
    AuthView view = gate.view();
    if (!view.enabled()) {
      return CompletableFuture.failedFuture(EtcdError.AUTH_NOT_ENABLED.exception());
    }
    User user = view.user(in.getName());
    if (user == null) {
      return CompletableFuture.failedFuture(EtcdError.AUTH_FAILED.exception());
    }
    if (user.hasOptions() && user.getOptions().getNoPassword()) {
      return CompletableFuture.failedFuture(EtcdError.NO_PASSWORD_USER.exception());
    }
    long checkedRevision = view.revision();
    return passwords.matches(in.getPassword(), user.getPassword()).thenCompose(ok -> {
      if (!ok) {
        return CompletableFuture.failedFuture(EtcdError.AUTH_FAILED.exception());
      }
      InternalRaftRequest issue = InternalRaftRequest.newBuilder().setAuthenticate(InternalAuthenticateRequest
          .newBuilder().setName(in.getName()).setSimpleToken(gate.tokens().newPrefix())).build();
      return store.<AuthenticateResponse>propose(issue).thenCompose(response ->
          checkedRevision == gate.view().revision() ? CompletableFuture.completedFuture(response) : checkAndIssue(in));
    });
  }

  public CompletionStage<AuthUserAddResponse> userAdd(AuthUserAddRequest in, Caller caller) {
    if (in.hasOptions() && in.getOptions().getNoPassword()) {
      return propose(InternalRaftRequest.newBuilder().setAuthUserAdd(in.toBuilder().clearPassword()), caller);
    }
    return passwords.hash(in.getPassword()).thenCompose(hash -> propose(InternalRaftRequest.newBuilder()
        .setAuthUserAdd(in.toBuilder().clearPassword().setHashedPassword(hash.toString(StandardCharsets.US_ASCII))),
        caller));
  }

  public CompletionStage<AuthUserChangePasswordResponse> userChangePassword(AuthUserChangePasswordRequest in,
      Caller caller) {
    return passwords.hash(in.getPassword()).thenCompose(hash -> propose(InternalRaftRequest.newBuilder()
        .setAuthUserChangePassword(in.toBuilder().clearPassword()
            .setHashedPassword(hash.toString(StandardCharsets.US_ASCII))), caller));
  }

  public CompletionStage<AuthUserGetResponse> userGet(AuthUserGetRequest in, Caller caller) {
    return propose(InternalRaftRequest.newBuilder().setAuthUserGet(in), caller);
  }

  public CompletionStage<AuthUserListResponse> userList(AuthUserListRequest in, Caller caller) {
    return propose(InternalRaftRequest.newBuilder().setAuthUserList(in), caller);
  }

  public CompletionStage<AuthUserDeleteResponse> userDelete(AuthUserDeleteRequest in, Caller caller) {
    return propose(InternalRaftRequest.newBuilder().setAuthUserDelete(in), caller);
  }

  public CompletionStage<AuthUserGrantRoleResponse> userGrantRole(AuthUserGrantRoleRequest in, Caller caller) {
    return propose(InternalRaftRequest.newBuilder().setAuthUserGrantRole(in), caller);
  }

  public CompletionStage<AuthUserRevokeRoleResponse> userRevokeRole(AuthUserRevokeRoleRequest in, Caller caller) {
    return propose(InternalRaftRequest.newBuilder().setAuthUserRevokeRole(in), caller);
  }

  public CompletionStage<AuthRoleAddResponse> roleAdd(AuthRoleAddRequest in, Caller caller) {
    return propose(InternalRaftRequest.newBuilder().setAuthRoleAdd(in), caller);
  }

  public CompletionStage<AuthRoleGetResponse> roleGet(AuthRoleGetRequest in, Caller caller) {
    return propose(InternalRaftRequest.newBuilder().setAuthRoleGet(in), caller);
  }

  public CompletionStage<AuthRoleListResponse> roleList(AuthRoleListRequest in, Caller caller) {
    return propose(InternalRaftRequest.newBuilder().setAuthRoleList(in), caller);
  }

  public CompletionStage<AuthRoleDeleteResponse> roleDelete(AuthRoleDeleteRequest in, Caller caller) {
    return propose(InternalRaftRequest.newBuilder().setAuthRoleDelete(in), caller);
  }

  public CompletionStage<AuthRoleGrantPermissionResponse> roleGrantPermission(AuthRoleGrantPermissionRequest in,
      Caller caller) {
    return propose(InternalRaftRequest.newBuilder().setAuthRoleGrantPermission(in), caller);
  }

  public CompletionStage<AuthRoleRevokePermissionResponse> roleRevokePermission(AuthRoleRevokePermissionRequest in,
      Caller caller) {
    return propose(InternalRaftRequest.newBuilder().setAuthRoleRevokePermission(in), caller);
  }

  // The generated interface's one-argument methods: calls that reach here carry no credentials.

  @Override
  public CompletionStage<AuthEnableResponse> authEnable(AuthEnableRequest in) {
    return authEnable(in, Caller.ANONYMOUS);
  }

  @Override
  public CompletionStage<AuthDisableResponse> authDisable(AuthDisableRequest in) {
    return authDisable(in, Caller.ANONYMOUS);
  }

  @Override
  public CompletionStage<AuthStatusResponse> authStatus(AuthStatusRequest in) {
    return authStatus(in, Caller.ANONYMOUS);
  }

  @Override
  public CompletionStage<AuthenticateResponse> authenticate(AuthenticateRequest in) {
    return authenticate(in, Caller.ANONYMOUS);
  }

  @Override
  public CompletionStage<AuthUserAddResponse> userAdd(AuthUserAddRequest in) {
    return userAdd(in, Caller.ANONYMOUS);
  }

  @Override
  public CompletionStage<AuthUserGetResponse> userGet(AuthUserGetRequest in) {
    return userGet(in, Caller.ANONYMOUS);
  }

  @Override
  public CompletionStage<AuthUserListResponse> userList(AuthUserListRequest in) {
    return userList(in, Caller.ANONYMOUS);
  }

  @Override
  public CompletionStage<AuthUserDeleteResponse> userDelete(AuthUserDeleteRequest in) {
    return userDelete(in, Caller.ANONYMOUS);
  }

  @Override
  public CompletionStage<AuthUserChangePasswordResponse> userChangePassword(AuthUserChangePasswordRequest in) {
    return userChangePassword(in, Caller.ANONYMOUS);
  }

  @Override
  public CompletionStage<AuthUserGrantRoleResponse> userGrantRole(AuthUserGrantRoleRequest in) {
    return userGrantRole(in, Caller.ANONYMOUS);
  }

  @Override
  public CompletionStage<AuthUserRevokeRoleResponse> userRevokeRole(AuthUserRevokeRoleRequest in) {
    return userRevokeRole(in, Caller.ANONYMOUS);
  }

  @Override
  public CompletionStage<AuthRoleAddResponse> roleAdd(AuthRoleAddRequest in) {
    return roleAdd(in, Caller.ANONYMOUS);
  }

  @Override
  public CompletionStage<AuthRoleGetResponse> roleGet(AuthRoleGetRequest in) {
    return roleGet(in, Caller.ANONYMOUS);
  }

  @Override
  public CompletionStage<AuthRoleListResponse> roleList(AuthRoleListRequest in) {
    return roleList(in, Caller.ANONYMOUS);
  }

  @Override
  public CompletionStage<AuthRoleDeleteResponse> roleDelete(AuthRoleDeleteRequest in) {
    return roleDelete(in, Caller.ANONYMOUS);
  }

  @Override
  public CompletionStage<AuthRoleGrantPermissionResponse> roleGrantPermission(AuthRoleGrantPermissionRequest in) {
    return roleGrantPermission(in, Caller.ANONYMOUS);
  }

  @Override
  public CompletionStage<AuthRoleRevokePermissionResponse> roleRevokePermission(AuthRoleRevokePermissionRequest in) {
    return roleRevokePermission(in, Caller.ANONYMOUS);
  }
}
