package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestFactory;

/**
 * etcdctl's user, role and auth commands, and what a user with a prefix permission may and may not
 * do, against real etcd 3.4 and against this member: identical output and exit codes (see
 * {@link EtcdctlParityTest} for the masking). bcrypt cost 4 on both, to keep the test short.
 */
class EtcdctlAuthParityTest {
  @RegisterExtension
  static final SideBySideExtension pair = new SideBySideExtension(Map.of("akka-etcd.bcrypt-cost", 4), "--bcrypt-cost=4");

  private static final String ROOT = "--user=root:rootpw";
  private static final String ALICE = "--user=alice:apw";

  static final List<EtcdctlParityTest.Step> STEPS = List.of(
      step("user", "add", "root:rootpw"),
      step("user", "add", "root:other"),
      step("auth", "enable"),
      step("role", "add", "app"),
      step("role", "add", "app"),
      step("role", "grant-permission", "app", "--prefix", "read", "/app/"),
      step("role", "grant-permission", "app", "readwrite", "/rw"),
      step("role", "grant-permission", "app", "write", "/w", "/x"),
      step("role", "grant-permission", "nope", "read", "k"),
      step("role", "get", "app"),
      step("role", "get", "nope"),
      step("user", "add", "alice:apw"),
      step("user", "grant-role", "alice", "app"),
      step("user", "grant-role", "alice", "nope"),
      step("user", "grant-role", "bob", "app"),
      step("user", "get", "alice"),
      step("user", "get", "bob"),
      step("user", "list"),
      step("role", "list"),
      step("auth", "enable"),
      step("user", "list"),
      step(ROOT, "user", "list"),
      step("put", "/app/x", "1"),
      step(ROOT, "put", "/app/x", "1"),
      step(ROOT, "put", "/other", "o"),
      step(ALICE, "get", "/app/x"),
      step(ALICE, "get", "/app/", "--prefix"),
      step(ALICE, "put", "/app/x", "2"),
      step(ALICE, "get", "/other"),
      step(ALICE, "get", "", "--from-key"),
      step(ALICE, "put", "/rw", "v"),
      step(ALICE, "put", "/rw", "v2", "--prev-kv"),
      step(ALICE, "put", "/w1", "v"),
      step(ALICE, "del", "/w1", "--prev-kv"),
      step(ALICE, "del", "/w1"),
      step(ALICE, "get", "/rw", "-w", "json"),
      step("--user=alice:wrong", "get", "/app/x"),
      step("--user=bob:x", "get", "/app/x"),
      step(ALICE, "user", "list"),
      step(ALICE, "user", "get", "alice"),
      step(ALICE, "user", "get", "root"),
      step(ALICE, "role", "get", "app"),
      step(ALICE, "role", "get", "root"),
      step(ALICE, "role", "add", "evil"),
      step(ALICE, "endpoint", "hashkv"),
      step(ALICE, "defrag"),
      txn(ALICE, "value(\"/app/x\") = \"1\"\n\nput /rw from-txn\n\nget /app/x\n\n"),
      txn(ALICE, "value(\"/other\") = \"o\"\n\nput /rw from-txn\n\n\n"),
      txn(ALICE, "value(\"/app/x\") = \"1\"\n\nput /app/x no\n\n\n"),
      step(ROOT, "user", "delete", "root"),
      step(ROOT, "user", "revoke-role", "root", "root"),
      step(ROOT, "role", "delete", "root"),
      step(ROOT, "role", "revoke-permission", "app", "/rw"),
      step(ROOT, "role", "revoke-permission", "app", "/nothing"),
      step(ROOT, "user", "revoke-role", "alice", "root"),
      step(ROOT, "user", "revoke-role", "alice", "app"),
      step(ALICE, "get", "/app/x"),
      step(ROOT, "user", "delete", "alice"),
      step(ROOT, "user", "delete", "alice"),
      step(ROOT, "role", "delete", "app"),
      step(ROOT, "role", "list"),
      step(ROOT, "auth", "disable"),
      step("get", "/app/x"),
      step("auth", "disable"),
      step("user", "list"));

  private static EtcdctlParityTest.Step step(String... args) {
    return EtcdctlParityTest.Step.of(args);
  }

  private static EtcdctlParityTest.Step txn(String user, String stdin) {
    return new EtcdctlParityTest.Step(stdin, user, "txn");
  }

  @TestFactory
  Stream<DynamicTest> etcdctlPrintsTheSameAsAgainstRealEtcd() {
    return EtcdctlParityTest.sameOutput(STEPS, pair);
  }
}
