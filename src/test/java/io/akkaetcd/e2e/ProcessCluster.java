package io.akkaetcd.e2e;

import io.etcd.jetcd.Client;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Three members, each its own JVM started by bin/etcd, laid out like etcd's Procfile (infra1..3) on free ports. */
final class ProcessCluster implements AutoCloseable {
  final List<ProcessMember> members = new ArrayList<>();
  private final Path root;

  ProcessCluster(int size, String... flags) throws Exception {
    this(size, i -> List.of(), flags);
  }

  /** Member {@code i} (0-based) runs bin/etcd under the command prefix {@code prefix.apply(i)}. */
  ProcessCluster(int size, java.util.function.IntFunction<List<String>> prefix, String... flags) throws Exception {
    root = Files.createTempDirectory("akka-etcd-procs");
    for (int i = 0; i < size; i++) {
      members.add(new ProcessMember("infra" + (i + 1), root.resolve("infra" + (i + 1)), 0, 0, "")
          .withFlags(flags).under(prefix.apply(i).toArray(String[]::new)));
    }
    pickPorts();
  }

  /** Free ports for every member, and the --initial-cluster they make. */
  private void pickPorts() throws java.io.IOException {
    int size = members.size();
    int[] clientPorts = new int[size];
    int[] peerPorts = new int[size];
    StringBuilder initial = new StringBuilder();
    for (int i = 0; i < size; i++) {
      clientPorts[i] = RealEtcd.freePort();
      peerPorts[i] = RealEtcd.freePort();
      initial.append(i == 0 ? "" : ",").append(members.get(i).name()).append("=http://127.0.0.1:").append(peerPorts[i]);
    }
    for (int i = 0; i < size; i++) {
      members.get(i).movePorts(clientPorts[i], peerPorts[i], initial.toString());
    }
  }

  /** Waits as long as ProcessMember.awaitReady() does: a start under a loaded machine has taken over 60 s. */
  void start() throws Exception {
    start(120);
  }

  /**
   * As {@link #start()}, waiting up to {@code seconds} for each (an import reads etcd's files first). A port
   * found free can be taken by another process before the member binds it ("Address already in use", seen
   * under load): then every member is stopped, its data dir dropped, and the cluster starts again on fresh
   * ports (the peer ports make the cluster's identity, so all move together), up to three times.
   */
  void start(int seconds) throws Exception {
    for (int attempt = 1; ; attempt++) {
      for (ProcessMember m : members) {
        m.launch();
      }
      try {
        for (ProcessMember m : members) {
          if (members.stream().anyMatch(ProcessMember::failedToBind)) {
            throw new IllegalStateException("a member failed to bind its ports");
          }
          m.awaitReady(seconds);
        }
        return;
      } catch (IllegalStateException notReady) {
        if (attempt == 3 || members.stream().noneMatch(ProcessMember::failedToBind)) {
          throw notReady;
        }
        for (ProcessMember m : members) {
          m.close();
        }
        deleteTree(root);
        Files.createDirectories(root);
        pickPorts();
      }
    }
  }

  Path root() {
    return root;
  }

  String initialCluster() {
    return members.stream().map(m -> m.name() + "=" + m.peerUrl()).collect(Collectors.joining(","));
  }

  String endpoints() {
    return members.stream().map(ProcessMember::endpoint).collect(Collectors.joining(","));
  }

  Client client() {
    return Client.builder().endpoints(members.stream().map(ProcessMember::endpoint).toArray(String[]::new)).build();
  }

  /** The leader and a follower as the roles stand now: the follower is the one a test lets fall behind. */
  record LeaderAndFollower(ProcessMember leader, ProcessMember follower) {}

  /** See {@link LeaderAndFollower}; the leader as the first member sees it, waiting up to 60 s for one. */
  LeaderAndFollower leaderAndFollower() throws InterruptedException {
    // Right after start, or on a loaded machine, the first member may be between leaders or slow to answer.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long leaderId = leaderSeenBy(members.get(0));
    while ((leaderId == -1 || leaderId == 0) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      leaderId = leaderSeenBy(members.get(0));
    }
    ProcessMember leader = null;
    ProcessMember follower = null;
    for (ProcessMember m : members) {
      if (memberIdOf(m) == leaderId) {
        leader = m;
      } else {
        follower = m;
      }
    }
    if (leader == null || follower == null) {
      throw new IllegalStateException("no leader (" + Long.toHexString(leaderId) + ") among the members:\n" + logs());
    }
    return new LeaderAndFollower(leader, follower);
  }

  /** The member that the given member believes leads (Maintenance.Status through etcdctl); -1 if it does not answer. */
  static long leaderSeenBy(ProcessMember m) {
    return statusField(m, "leader", "2s");
  }

  static long memberIdOf(ProcessMember m) {
    Etcdctl.Result r = Etcdctl.run(m.endpoint(), null, "--command-timeout=10s", "endpoint", "status", "-w", "json");
    long id = parseField(r, "member_id");
    if (id == -1) {
      throw new IllegalStateException(m.name() + " did not answer Status: " + r);
    }
    return id;
  }

  private static long statusField(ProcessMember m, String field, String timeout) {
    return parseField(Etcdctl.run(m.endpoint(), null, "--command-timeout=" + timeout, "endpoint", "status", "-w", "json"),
        field);
  }

  private static long parseField(Etcdctl.Result r, String field) {
    java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("\"" + field + "\":(\\d+)").matcher(r.stdout());
    return r.exitCode() == 0 && matcher.find() ? Long.parseUnsignedLong(matcher.group(1)) : -1;
  }

  /** Every member's log, for a failure message. */
  String logs() {
    StringBuilder b = new StringBuilder();
    for (ProcessMember m : members) {
      b.append("==== ").append(m.name()).append('\n').append(m.output());
    }
    return b.toString();
  }

  @Override
  public void close() throws Exception {
    for (ProcessMember m : members) {
      m.close();
    }
    // Kept for a failed run's diagnosis: target/cluster-logs/<dir>.log
    java.nio.file.Path logDir = java.nio.file.Path.of("target", "cluster-logs");
    Files.createDirectories(logDir);
    Files.writeString(logDir.resolve(root.getFileName() + ".log"), logs());
    deleteTree(root);
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
