package io.akkaetcd.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.akkaetcd.api.AuthEnableRequest;
import io.akkaetcd.api.AuthRoleAddRequest;
import io.akkaetcd.api.AuthRoleGrantPermissionRequest;
import io.akkaetcd.api.AuthRoleRevokePermissionRequest;
import io.akkaetcd.api.AuthUserAddRequest;
import io.akkaetcd.api.AuthUserGrantRoleRequest;
import io.akkaetcd.api.AuthUserListRequest;
import io.akkaetcd.api.AuthUserListResponse;
import io.akkaetcd.api.Compare;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.Permission;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RequestHeader;
import io.akkaetcd.api.RequestOp;
import io.akkaetcd.api.TxnRequest;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.errors.EtcdException;
import io.akkaetcd.mvcc.InMemoryBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Auth as the applier runs it: changes need root once auth is on; writes are checked against the user
 * and auth revision in the entry's header, so a leader and a follower applying the same log decide
 * alike; the auth state is persisted with the entry and carried by a snapshot (InstallSnapshot).
 */
class AuthApplyTest {
  private final InMemoryBackend backend = new InMemoryBackend();
  private StoreState state = new StoreState(backend, null, 7, 9, new MemberDirectory());
  private long index;

  private static ByteString b(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private Object apply(StoreState on, String user, InternalRaftRequest.Builder request) {
    long revision = on.applier().auth().view().revision();
    request.setHeader(RequestHeader.newBuilder().setUsername(user).setAuthRevision(user.isEmpty() ? 0 : revision));
    Object r = on.applier().apply(request.build(), ++index);
    on.applier().mvcc().commit(true);
    return r;
  }

  private EtcdError refused(StoreState on, String user, InternalRaftRequest.Builder request) {
    return assertThrows(EtcdException.class, () -> apply(on, user, request)).error();
  }

  private static InternalRaftRequest.Builder put(String key) {
    return InternalRaftRequest.newBuilder().setPut(PutRequest.newBuilder().setKey(b(key)).setValue(b("v")));
  }

  /** root, alice with read on /app/ and write on /w, auth on. */
  @BeforeEach
  void setUp() {
    apply(state, "", InternalRaftRequest.newBuilder().setAuthUserAdd(AuthUserAddRequest.newBuilder().setName("root")
        .setHashedPassword("$2a$04$x")));
    apply(state, "", InternalRaftRequest.newBuilder().setAuthUserGrantRole(AuthUserGrantRoleRequest.newBuilder()
        .setUser("root").setRole("root")));
    apply(state, "", InternalRaftRequest.newBuilder().setAuthRoleAdd(AuthRoleAddRequest.newBuilder().setName("app")));
    grant(Permission.Type.READ, "/app/", "/app0");
    grant(Permission.Type.WRITE, "/w", "");
    apply(state, "", InternalRaftRequest.newBuilder().setAuthUserAdd(AuthUserAddRequest.newBuilder().setName("alice")
        .setHashedPassword("$2a$04$y")));
    apply(state, "", InternalRaftRequest.newBuilder().setAuthUserGrantRole(AuthUserGrantRoleRequest.newBuilder()
        .setUser("alice").setRole("app")));
    apply(state, "", InternalRaftRequest.newBuilder().setAuthEnable(AuthEnableRequest.getDefaultInstance()));
  }

  private void grant(Permission.Type type, String key, String rangeEnd) {
    apply(state, state.applier().auth().view().enabled() ? "root" : "", InternalRaftRequest.newBuilder()
        .setAuthRoleGrantPermission(AuthRoleGrantPermissionRequest.newBuilder().setName("app")
            .setPerm(Permission.newBuilder().setPermType(type).setKey(b(key)).setRangeEnd(b(rangeEnd)))));
  }

  @Test
  void writesAreCheckedAgainstTheHeadersUser() {
    apply(state, "alice", put("/w"));
    assertEquals(EtcdError.PERMISSION_DENIED, refused(state, "alice", put("/app/x")));
    assertEquals(EtcdError.USER_EMPTY, refused(state, "", put("/w")));
    apply(state, "root", put("/app/x"));
    // A txn is checked op by op, nested ones included, and every compare needs read.
    TxnRequest.Builder nested = TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestTxn(
        TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
            .setKey(b("/app/x")).setValue(b("no"))))));
    assertEquals(EtcdError.PERMISSION_DENIED, refused(state, "alice", InternalRaftRequest.newBuilder().setTxn(nested)));
    TxnRequest.Builder compareOther = TxnRequest.newBuilder().addCompare(Compare.newBuilder().setKey(b("/other")))
        .addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(b("/app/x"))));
    assertEquals(EtcdError.PERMISSION_DENIED, refused(state, "alice", InternalRaftRequest.newBuilder().setTxn(compareOther)));
    assertEquals(EtcdError.PERMISSION_DENIED, refused(state, "alice", InternalRaftRequest.newBuilder()
        .setAuthUserList(AuthUserListRequest.getDefaultInstance())));
  }

  @Test
  void aStaleAuthRevisionIsRefusedAtApply() {
    InternalRaftRequest.Builder stale = put("/w").setHeader(RequestHeader.newBuilder().setUsername("alice")
        .setAuthRevision(state.applier().auth().view().revision()));
    apply(state, "root", InternalRaftRequest.newBuilder().setAuthRoleRevokePermission(
        AuthRoleRevokePermissionRequest.newBuilder().setRole("app").setKey(b("/w"))));
    EtcdException e = assertThrows(EtcdException.class, () -> state.applier().apply(stale.build(), ++index));
    assertEquals(EtcdError.AUTH_OLD_REVISION, e.error());
    assertEquals(EtcdError.PERMISSION_DENIED, refused(state, "alice", put("/w")));
  }

  @Test
  void authStateSurvivesReopen() {
    long revision = state.applier().auth().view().revision();
    state = new StoreState(backend, null, 7, 9, new MemberDirectory());
    assertEquals(revision, state.applier().auth().view().revision());
    assertEquals(EtcdError.PERMISSION_DENIED, refused(state, "alice", put("/app/x")));

    AuthUserListResponse users = (AuthUserListResponse) apply(state, "root", InternalRaftRequest.newBuilder()
        .setAuthUserList(AuthUserListRequest.getDefaultInstance()));
    assertEquals(java.util.List.of("alice", "root"), users.getUsersList());
  }
}
