package io.akkaetcd.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A member in its own JVM, started by bin/etcd with etcd's flags on 127.0.0.1, so a test can kill -9 it.
 * bin/etcd is told not to rebuild: the test run has just compiled everything.
 */
final class ProcessMember implements AutoCloseable {
  private final String name;
  private final Path dataDir;
  private final int clientPort;
  private final int peerPort;
  private final String initialCluster;
  private Process process;
  private final StringBuffer output = new StringBuffer();
  private final List<String> extraFlags = new ArrayList<>();
  private List<String> launcher = List.of();

  /** A lone member. */
  ProcessMember(Path dataDir, int clientPort, int peerPort) {
    this("default", dataDir, clientPort, peerPort, "default=http://127.0.0.1:" + peerPort);
  }

  ProcessMember(String name, Path dataDir, int clientPort, int peerPort, String initialCluster) {
    this.name = name;
    this.dataDir = dataDir;
    this.clientPort = clientPort;
    this.peerPort = peerPort;
    this.initialCluster = initialCluster;
  }

  /** More etcd flags for every later start. */
  ProcessMember withFlags(String... flags) {
    extraFlags.addAll(List.of(flags));
    return this;
  }

  /** A command prefix bin/etcd runs under, e.g. {@code ip netns exec NS}. */
  ProcessMember withLauncher(List<String> prefix) {
    launcher = List.copyOf(prefix);
    return this;
  }

  /** Starts the member and waits until it is ready (published through Raft). */
  void start() throws Exception {
    launch();
    awaitReady();
  }

  private MemberLog log;

  /** Starts the process without waiting: a member of a new cluster is ready only once a quorum is up. */
  void launch() throws Exception {
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    List<String> command = new ArrayList<>(launcher);
    command.addAll(List.of(Path.of("bin/etcd").toAbsolutePath().toString(),
        "--name", name, "--data-dir", dataDir.toString(),
        "--listen-client-urls", client, "--advertise-client-urls", client,
        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
        "--initial-cluster", initialCluster));
    command.addAll(extraFlags);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("AKKA_ETCD_SKIP_BUILD", "1");
    process = pb.start();
    log = new MemberLog(process, output, "member-log");
  }

  void awaitReady() throws Exception {
    if (!log.awaitReady(60)) {
      process.destroyForcibly();
      throw new IllegalStateException("member " + name + " did not become ready:\n" + output);
    }
  }

  /** SIGSTOP: the process stays, but neither answers nor sends (a member cut off for real). */
  void pause() throws Exception {
    signal("-STOP");
  }

  void resume() throws Exception {
    signal("-CONT");
  }

  private void signal(String sig) throws Exception {
    new ProcessBuilder("kill", sig, Long.toString(process.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
  }

  /** The same process (no restart) still runs. */
  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Waits for the process to end by itself; its exit code, or null if it still runs. */
  Integer awaitExit(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
  }

  int peerPort() {
    return peerPort;
  }

  String name() {
    return name;
  }

  String peerUrl() {
    return "http://127.0.0.1:" + peerPort;
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  String endpoint() {
    return "http://127.0.0.1:" + clientPort;
  }

  String output() {
    return output.toString();
  }

  static Path tempDataDir() throws IOException {
    return Files.createTempDirectory("akka-etcd-proc");
  }

  @Override
  public void close() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
