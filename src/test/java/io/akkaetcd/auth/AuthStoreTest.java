package io.akkaetcd.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.akkaetcd.api.Permission;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.errors.EtcdException;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** etcd's auth store rules and errors (auth/store_test.go), one row each; a refused change changes nothing. */
class AuthStoreTest {
  private static final ByteString HASH = ByteString.copyFromUtf8("$2a$04$hash");

  private static Permission perm(Permission.Type type, String key, String rangeEnd) {
    return Permission.newBuilder().setPermType(type).setKey(ByteString.copyFromUtf8(key))
        .setRangeEnd(ByteString.copyFromUtf8(rangeEnd)).build();
  }

  /** root (with role root) and alice (role app: read /app/), auth enabled. */
  private static AuthStore enabledStore() {
    AuthStore s = new AuthStore(AuthStore.Persistence.NONE);
    s.userAdd("root", HASH, false);
    s.userGrantRole("root", "root");
    s.userAdd("alice", HASH, false);
    s.roleAdd("app");
    s.roleGrantPermission("app", perm(Permission.Type.READ, "/app/", "/app0"));
    s.userGrantRole("alice", "app");
    s.enable();
    return s;
  }

  record Refused(String name, Consumer<AuthStore> change, EtcdError error) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Refused> refused() {
    return Stream.of(
        new Refused("user add with an empty name", s -> s.userAdd("", HASH, false), EtcdError.USER_EMPTY),
        new Refused("user add twice", s -> s.userAdd("alice", HASH, false), EtcdError.USER_ALREADY_EXIST),
        new Refused("user delete root while enabled", s -> s.userDelete("root"), EtcdError.INVALID_AUTH_MGMT),
        new Refused("user delete unknown", s -> s.userDelete("bob"), EtcdError.USER_NOT_FOUND),
        new Refused("change password of unknown", s -> s.userChangePassword("bob", HASH), EtcdError.USER_NOT_FOUND),
        new Refused("grant unknown role", s -> s.userGrantRole("alice", "nope"), EtcdError.ROLE_NOT_FOUND),
        new Refused("grant to unknown user", s -> s.userGrantRole("bob", "app"), EtcdError.USER_NOT_FOUND),
        new Refused("revoke root from root while enabled", s -> s.userRevokeRole("root", "root"),
            EtcdError.INVALID_AUTH_MGMT),
        new Refused("revoke a role not granted", s -> s.userRevokeRole("alice", "root"), EtcdError.ROLE_NOT_GRANTED),
        new Refused("role add with an empty name", s -> s.roleAdd(""), EtcdError.ROLE_EMPTY),
        new Refused("role add twice", s -> s.roleAdd("app"), EtcdError.ROLE_ALREADY_EXIST),
        new Refused("role delete root while enabled", s -> s.roleDelete("root"), EtcdError.INVALID_AUTH_MGMT),
        new Refused("role delete unknown", s -> s.roleDelete("nope"), EtcdError.ROLE_NOT_FOUND),
        new Refused("grant permission to unknown role", s -> s.roleGrantPermission("nope",
            perm(Permission.Type.READ, "a", "")), EtcdError.ROLE_NOT_FOUND),
        new Refused("grant no permission", s -> s.roleGrantPermission("app", null), EtcdError.PERMISSION_NOT_GIVEN),
        new Refused("grant an inverted range", s -> s.roleGrantPermission("app",
            perm(Permission.Type.READ, "z", "a")), EtcdError.INVALID_AUTH_MGMT),
        new Refused("grant on an empty key", s -> s.roleGrantPermission("app",
            perm(Permission.Type.READ, "", "")), EtcdError.INVALID_AUTH_MGMT),
        new Refused("revoke a permission not granted", s -> s.roleRevokePermission("app",
            ByteString.copyFromUtf8("/app/"), ByteString.EMPTY), EtcdError.PERMISSION_NOT_GRANTED),
        new Refused("revoke from unknown role", s -> s.roleRevokePermission("nope",
            ByteString.copyFromUtf8("a"), ByteString.EMPTY), EtcdError.ROLE_NOT_FOUND));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusedChangesAnswerEtcdsErrorAndChangeNothing(Refused c) {
    AuthStore s = enabledStore();
    AuthView before = s.view();
    EtcdException e = assertThrows(EtcdException.class, () -> c.change().accept(s));
    assertEquals(c.error(), e.error());
    assertEquals(before, s.view());
  }

  @Test
  void enableNeedsRootUserWithRootRole() {
    AuthStore s = new AuthStore(AuthStore.Persistence.NONE);
    assertEquals(EtcdError.ROOT_USER_NOT_EXIST, assertThrows(EtcdException.class, s::enable).error());
    s.userAdd("root", HASH, false);
    assertEquals(EtcdError.ROOT_ROLE_NOT_EXIST, assertThrows(EtcdException.class, s::enable).error());
    s.userGrantRole("root", "root");
    long revision = s.view().revision();
    s.enable();
    assertTrue(s.view().enabled());
    assertEquals(revision, s.view().revision(), "enable does not bump the revision, as etcd");
  }

  @Test
  void revisionStartsAtOneAndEveryCountedChangeBumpsIt() {
    AuthStore s = new AuthStore(AuthStore.Persistence.NONE);
    assertEquals(1, s.view().revision());
    s.userAdd("a", HASH, false);
    s.roleAdd("r");
    s.userGrantRole("a", "r");
    s.userGrantRole("a", "r");
    assertEquals(4, s.view().revision(), "a repeated grant is a no-op");
    s.roleDelete("r");
    assertEquals(List.of(), s.userGet("a"), "deleting a role takes it from its users");
    assertEquals(5, s.view().revision());
  }

  @Test
  void permissionsFollowGrantsAndRevokes() {
    AuthStore s = enabledStore();
    AuthView v = s.view();
    AuthInfo alice = new AuthInfo("alice", v.revision());
    v.checkRead(alice, ByteString.copyFromUtf8("/app/x"), ByteString.EMPTY);
    assertEquals(EtcdError.PERMISSION_DENIED, assertThrows(EtcdException.class,
        () -> v.checkWrite(alice, ByteString.copyFromUtf8("/app/x"), ByteString.EMPTY)).error());
    assertEquals(EtcdError.PERMISSION_DENIED, assertThrows(EtcdException.class,
        () -> v.checkRead(alice, ByteString.copyFromUtf8("/other"), ByteString.EMPTY)).error());
    assertEquals(EtcdError.USER_EMPTY, assertThrows(EtcdException.class,
        () -> v.checkRead(AuthInfo.NONE, ByteString.copyFromUtf8("/app/x"), ByteString.EMPTY)).error());
    v.checkWrite(new AuthInfo("root", v.revision()), ByteString.copyFromUtf8("/other"), ByteString.EMPTY);
    assertEquals(EtcdError.PERMISSION_DENIED, assertThrows(EtcdException.class, () -> v.checkAdmin(alice)).error());

    s.userRevokeRole("alice", "app");
    AuthView after = s.view();
    assertEquals(EtcdError.AUTH_OLD_REVISION, assertThrows(EtcdException.class,
        () -> after.checkRead(alice, ByteString.copyFromUtf8("/app/x"), ByteString.EMPTY)).error());
    assertEquals(EtcdError.PERMISSION_DENIED, assertThrows(EtcdException.class,
        () -> after.checkRead(new AuthInfo("alice", after.revision()), ByteString.copyFromUtf8("/app/x"),
            ByteString.EMPTY)).error());
  }

  @Test
  void grantOnTheSameRangeChangesItsType() {
    AuthStore s = enabledStore();
    s.roleGrantPermission("app", perm(Permission.Type.READWRITE, "/app/", "/app0"));
    assertEquals(List.of(perm(Permission.Type.READWRITE, "/app/", "/app0")), s.roleGet("app"));
  }

  @Test
  void everyKeyIsGrantedAsAnEmptyKeyFromKey() {
    AuthStore s = enabledStore();
    s.roleGrantPermission("app", perm(Permission.Type.WRITE, "", "\0"));
    s.userGrantRole("alice", "app");
    AuthView v = s.view();
    v.checkWrite(new AuthInfo("alice", v.revision()), ByteString.copyFromUtf8("\u00ff\u00ff"), ByteString.EMPTY);
  }

  @Test
  void disabledAllowsEverything() {
    AuthStore s = new AuthStore(AuthStore.Persistence.NONE);
    s.view().checkWrite(AuthInfo.NONE, ByteString.copyFromUtf8("x"), ByteString.EMPTY);
    s.view().checkAdmin(AuthInfo.NONE);
  }
}
