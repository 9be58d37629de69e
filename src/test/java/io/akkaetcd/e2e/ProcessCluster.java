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
    int[] clientPorts = new int[size];
    int[] peerPorts = new int[size];
    for (int i = 0; i < size; i++) {
      clientPorts[i] = RealEtcd.freePort();
      peerPorts[i] = RealEtcd.freePort();
    }
    StringBuilder initial = new StringBuilder();
    for (int i = 0; i < size; i++) {
      initial.append(i == 0 ? "" : ",").append("infra").append(i + 1).append("=http://127.0.0.1:").append(peerPorts[i]);
    }
    for (int i = 0; i < size; i++) {
      members.add(new ProcessMember("infra" + (i + 1), root.resolve("infra" + (i + 1)), clientPorts[i], peerPorts[i],
          initial.toString()).withFlags(flags).under(prefix.apply(i).toArray(String[]::new)));
    }
  }

  /** Waits as long as ProcessMember.awaitReady() does: a start under a loaded machine has taken over 60 s. */
  void start() throws Exception {
    start(120);
  }

  /** As {@link #start()}, waiting up to {@code seconds} for each (an import reads etcd's files first). */
  void start(int seconds) throws Exception {
    for (ProcessMember m : members) {
      m.launch();
    }
    for (ProcessMember m : members) {
      m.awaitReady(seconds);
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
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
