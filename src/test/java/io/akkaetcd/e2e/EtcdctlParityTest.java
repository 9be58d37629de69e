package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestFactory;

/**
 * The same etcdctl commands, in the same order, against real etcd 3.4 and against this member: what
 * etcdctl prints (stdout, stderr, exit code) must be identical once member and cluster IDs, raft
 * terms and ports are masked. Both stores start empty, so revisions (and HashKV's hashes) must agree too.
 */
class EtcdctlParityTest {
  @RegisterExtension
  static final SideBySideExtension pair = new SideBySideExtension(Map.of());

  record Step(String stdin, String... args) {
    static Step of(String... args) {
      return new Step(null, args);
    }

    @Override
    public String toString() {
      return String.join(" ", args) + (stdin == null ? "" : " <<< " + stdin.replace("\n", "\\n"));
    }
  }

  static final List<Step> STEPS = List.of(
      Step.of("put", "foo", "bar"),
      Step.of("put", "foo/a", "1"),
      Step.of("put", "foo/b", "2"),
      Step.of("put", "foo/c", "3"),
      Step.of("put", "zoo", "z"),
      Step.of("put", "foo", "bar2", "--prev-kv"),
      Step.of("get", "foo"),
      Step.of("get", "missing"),
      Step.of("get", "foo", "--prefix"),
      Step.of("get", "foo", "--prefix", "--keys-only"),
      Step.of("get", "foo", "--prefix", "--limit", "2"),
      Step.of("get", "foo/b", "--from-key"),
      Step.of("get", "foo", "--prefix", "--sort-by=MODIFY", "--order=DESCEND"),
      Step.of("get", "foo", "--prefix", "--sort-by=VALUE", "--order=ASCEND"),
      Step.of("get", "foo", "--prefix", "--sort-by=CREATE", "--order=DESCEND", "--limit", "2"),
      Step.of("get", "foo", "--prefix", "--count-only", "-w", "json"),
      Step.of("get", "foo", "--rev", "2"),
      Step.of("get", "foo", "-w", "json"),
      Step.of("get", "foo", "--prefix", "--limit", "1", "-w", "json"),
      Step.of("get", "foo", "--print-value-only"),
      Step.of("get", "foo", "--rev", "999"),
      Step.of("put", "foo", "--ignore-value"),
      Step.of("put", "nokey", "--ignore-value"),
      Step.of("del", "foo/a", "--prev-kv"),
      Step.of("del", "nothing"),
      Step.of("del", "foo/", "--prefix"),
      new Step("create(\"t1\") = \"0\"\n\nput t1 created\n\nget t1\n\n", "txn"),
      new Step("create(\"t1\") = \"0\"\n\nput t1 again\n\nget t1\n\n", "txn"),
      new Step("value(\"t1\") = \"created\"\nmod(\"zoo\") > \"1\"\n\nput t2 x\ndel zoo\n\n\n", "txn", "-w", "json"),
      Step.of("get", "", "--from-key"),
      Step.of("endpoint", "hashkv"),
      Step.of("endpoint", "hashkv", "--rev", "3"),
      Step.of("compaction", "5"),
      Step.of("endpoint", "hashkv", "-w", "json"),
      Step.of("endpoint", "hashkv", "--rev", "4"),
      Step.of("get", "foo", "--rev", "4"),
      Step.of("get", "foo", "--rev", "5"),
      Step.of("compaction", "3"),
      Step.of("del", "", "--from-key", "--prev-kv", "-w", "json"));

  @TestFactory
  Stream<DynamicTest> etcdctlPrintsTheSameAsAgainstRealEtcd() {
    return sameOutput(STEPS, pair);
  }

  /** Each step run by etcdctl against real etcd, then against ours: the same output once masked. */
  static Stream<DynamicTest> sameOutput(List<Step> steps, SideBySideExtension pair) {
    return steps.stream().map(step -> DynamicTest.dynamicTest(step.toString(), () -> {
      Etcdctl.Result expected = Etcdctl.run(pair.etcd().endpoint(), step.stdin(), step.args());
      Etcdctl.Result actual = Etcdctl.run(pair.ours().endpoint(), step.stdin(), step.args());
      assertEquals(render(expected, pair.etcd().port()), render(actual, pair.ours().port()), step.toString());
    }));
  }

  /** What a user sees, with the fields that legitimately differ between two clusters masked. */
  static String render(Etcdctl.Result r, int port) {
    String stderr = Arrays.stream(r.stderr().split("\n"))
        .filter(line -> !line.startsWith("{\"level\":"))  // client retry logs carry timestamps
        .collect(Collectors.joining("\n"));
    return ("exit=" + r.exitCode() + "\n" + r.stdout() + "\n--stderr--\n" + stderr)
        .replaceAll("\"cluster_id\":\\d+", "\"cluster_id\":ID")
        .replaceAll("\"member_id\":\\d+", "\"member_id\":ID")
        .replaceAll("\"raft_term\":\\d+", "\"raft_term\":T")
        .replace(":" + port, ":PORT");
  }
}
