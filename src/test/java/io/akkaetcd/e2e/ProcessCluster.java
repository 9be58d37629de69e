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
          initial.toString()).withFlags(flags));
    }
  }

  void start() throws Exception {
    for (ProcessMember m : members) {
      m.launch();
    }
    for (ProcessMember m : members) {
      m.awaitReady();
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

  /** The member that the given member believes leads, by asking it for Maintenance.Status; -1 if none. */
  static long leaderSeenBy(ProcessMember m) {
    try (Client c = Client.builder().endpoints(m.endpoint()).build()) {
      return c.getMaintenanceClient().statusMember(m.endpoint()).get(2, TimeUnit.SECONDS).getLeader();
    } catch (Exception e) {
      return -1;
    }
  }

  static long memberIdOf(ProcessMember m) {
    try (Client c = Client.builder().endpoints(m.endpoint()).build()) {
      return c.getMaintenanceClient().statusMember(m.endpoint()).get(5, TimeUnit.SECONDS).getHeader().getMemberId();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws Exception {
    for (ProcessMember m : members) {
      m.close();
    }
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
