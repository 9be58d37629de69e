package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.AuthRoleAddRequest;
import io.etcd.jetcd.api.AuthRoleGetRequest;
import io.etcd.jetcd.api.AuthRoleGrantPermissionRequest;
import io.etcd.jetcd.api.AuthUserAddRequest;
import io.etcd.jetcd.api.AuthUserGrantRoleRequest;
import io.etcd.jetcd.api.AuthEnableRequest;
import io.etcd.jetcd.api.AuthUserListRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input to the Auth service gets etcd's error and changes nothing: an empty user name, a
 * permission over an inverted range, a thousand wrong passwords (the member keeps serving everyone
 * else, and the right password still works); a member restart keeps users, roles and the enabled flag.
 */
class AuthBadInputTest {
  private static TestMember member;
  private static GrpcAuthClient client;
  private static String root;

  @BeforeAll
  static void start() throws Exception {
    member = TestMember.start(Map.of("akka-etcd.bcrypt-cost", 4));
    client = new GrpcAuthClient(member.port());
    assertEquals("OK", client.auth(null, a -> a.userAdd(AuthUserAddRequest.newBuilder().setName("root").setPassword("rootpw").build())));
    assertEquals("OK", client.auth(null, a -> a.userGrantRole(AuthUserGrantRoleRequest.newBuilder().setUser("root").setRole("root").build())));
    assertEquals("OK", client.auth(null, a -> a.roleAdd(AuthRoleAddRequest.newBuilder().setName("app").build())));
    assertEquals("OK", client.auth(null, a -> a.userAdd(AuthUserAddRequest.newBuilder().setName("alice").setPassword("apw").build())));
    assertEquals("OK", client.auth(null, a -> a.authEnable(AuthEnableRequest.getDefaultInstance())));
    root = client.authenticate("root", "rootpw");
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (member != null) {
      member.close();
    }
  }

  @Test
  void emptyUserNameIsRefusedAndAddsNobody() {
    assertEquals("INVALID_ARGUMENT etcdserver: user name is empty",
        client.auth(root, a -> a.userAdd(AuthUserAddRequest.newBuilder().setName("").setPassword("x").build())));
    assertEquals("INVALID_ARGUMENT etcdserver: authentication failed, invalid user ID or password",
        client.authenticateOutcome("", "x"));
    assertEquals(List.of("alice", "root"), users());
  }

  @Test
  void invertedRangeIsRefusedAndGrantsNothing() {
    assertEquals("INVALID_ARGUMENT etcdserver: invalid auth management", client.auth(root, a -> a.roleGrantPermission(
        AuthRoleGrantPermissionRequest.newBuilder().setName("app").setPerm(io.etcd.jetcd.api.Permission.newBuilder()
            .setPermType(io.etcd.jetcd.api.Permission.Type.READ).setKey(ByteString.copyFromUtf8("z"))
            .setRangeEnd(ByteString.copyFromUtf8("a"))).build())));
    StringBuilder perms = new StringBuilder();
    client.auth(root, a -> perms.append(a.roleGet(AuthRoleGetRequest.newBuilder().setRole("app").build()).getPermCount()));
    assertEquals("0", perms.toString());
  }

  @Test
  void aThousandWrongPasswordsAreEachRefusedWhileOthersAreServed() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<String>> attempts = new java.util.ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        attempts.add(pool.submit(() -> client.authenticateOutcome("alice", "wrong")));
      }
      // Served meanwhile: writes and reads by root do not wait for the queue of password checks.
      for (int i = 0; i < 20; i++) {
        assertEquals("OK", client.put(root, "k" + i, "v"));
        assertEquals("OK 1", client.get(root, "k" + i));
      }
      for (Future<String> attempt : attempts) {
        assertEquals("INVALID_ARGUMENT etcdserver: authentication failed, invalid user ID or password", attempt.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals("OK", client.authenticateOutcome("alice", "apw"));
  }

  @Test
  void authStateSurvivesRestart() throws Exception {
    member.restart();
    try (GrpcAuthClient again = new GrpcAuthClient(member.port())) {
      String token = again.authenticate("root", "rootpw");
      assertEquals("INVALID_ARGUMENT etcdserver: user name is empty", again.get(null, "k"));
      StringBuilder list = new StringBuilder();
      again.auth(token, a -> list.append(a.userList(AuthUserListRequest.getDefaultInstance()).getUsersList()));
      assertEquals("[alice, root]", list.toString());
    }
    client.close();
    client = new GrpcAuthClient(member.port());
    root = client.authenticate("root", "rootpw");
  }

  private static List<String> users() {
    List<String> names = new java.util.ArrayList<>();
    client.auth(root, a -> names.addAll(a.userList(AuthUserListRequest.getDefaultInstance()).getUsersList()));
    return names;
  }
}
