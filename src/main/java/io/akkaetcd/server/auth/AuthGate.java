package io.akkaetcd.server.auth;

import io.akkaetcd.auth.AuthInfo;
import io.akkaetcd.auth.AuthView;
import io.akkaetcd.auth.Caller;
import io.akkaetcd.auth.TokenProvider;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.errors.EtcdException;
import java.util.function.Supplier;

/**
 * Who a call is from, as etcd's AuthInfoFromCtx decides it: the {@code token} metadata if present
 * (an unknown, expired or forged token is "invalid auth token", whether or not auth is on); otherwise,
 * with {@code --client-cert-auth}, the verified client certificate's Common Name; otherwise nobody.
 * The checks themselves are the current {@link AuthView}'s.
 */
public final class AuthGate {
  private final Supplier<AuthView> view;
  private final TokenProvider tokens;
  private final boolean clientCertAuth;

  /** How long a call with a simple token waits for this member to apply the token's entry. */
  private static final long TOKEN_WAIT_MILLIS = 5_000;

  private final java.util.function.LongFunction<java.util.concurrent.CompletableFuture<Void>> whenApplied;

  public AuthGate(Supplier<AuthView> view, TokenProvider tokens, boolean clientCertAuth) {
    this(view, tokens, clientCertAuth, index -> java.util.concurrent.CompletableFuture.completedFuture(null));
  }

  /** @param whenApplied completes once this member has applied the entry at an index */
  public AuthGate(Supplier<AuthView> view, TokenProvider tokens, boolean clientCertAuth,
      java.util.function.LongFunction<java.util.concurrent.CompletableFuture<Void>> whenApplied) {
    this.view = view;
    this.tokens = tokens;
    this.clientCertAuth = clientCertAuth;
    this.whenApplied = whenApplied;
  }

  /**
   * Completes when the caller's token can be judged here: at once, or (a simple token issued by an
   * Authenticate entry this member has not applied yet) once it has, as etcd's isValidSimpleToken
   * waits on the apply index; after {@link #TOKEN_WAIT_MILLIS} the call goes on and the token is
   * then invalid, as etcd's ends with the caller's deadline.
   */
  public java.util.concurrent.CompletionStage<Void> tokenKnown(Caller caller) {
    long index = caller.token() == null ? 0 : tokens.indexToAwait(caller.token());
    if (index == 0) {
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }
    return whenApplied.apply(index).copy().completeOnTimeout(null, TOKEN_WAIT_MILLIS,
        java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  public AuthView view() {
    return view.get();
  }

  public TokenProvider tokens() {
    return tokens;
  }

  /** The caller's identity, {@link AuthInfo#NONE} when it has none; throws for a bad token. */
  public AuthInfo identify(Caller caller) {
    if (caller.token() != null) {
      AuthInfo info = tokens.info(caller.token(), view.get().revision());
      if (info == null) {
        throw EtcdError.INVALID_AUTH_TOKEN.exception();
      }
      return info;
    }
    if (clientCertAuth && caller.certificateCommonName() != null) {
      return new AuthInfo(caller.certificateCommonName(), view.get().revision());
    }
    return AuthInfo.NONE;
  }

  /** etcd's IsAdminPermitted for calls checked at the API layer (Maintenance, Cluster changes). */
  public void checkAdmin(Caller caller) {
    AuthView now = view.get();
    if (!now.enabled()) {
      return;
    }
    now.checkAdmin(identify(caller));
  }

  /**
   * etcd's authMaintenanceServer (Defragment, Snapshot, Hash, HashKV): root is needed, and a refusal
   * is the auth store's own error, which etcd passes on untranslated: UNKNOWN, "auth: permission
   * denied" (not the PERMISSION_DENIED that other calls answer).
   */
  public void checkMaintenanceAdmin(Caller caller) {
    try {
      checkAdmin(caller);
    } catch (EtcdException e) {
      throw io.grpc.Status.UNKNOWN.withDescription(e.error().authStoreText()).asRuntimeException();
    }
  }

  /**
   * etcd's doSerialize for reads served without the log: check, read, then refuse the answer if the
   * auth store changed meanwhile (the read may have used permissions already revoked).
   */
  public void checkStillCurrent(AuthInfo who) {
    if (who.revision() != 0 && who.revision() != view.get().revision()) {
      throw EtcdError.AUTH_OLD_REVISION.exception();
    }
  }
}
