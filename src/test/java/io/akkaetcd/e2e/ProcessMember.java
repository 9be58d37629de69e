package io.akkaetcd.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A member in its own JVM, started by bin/etcd with etcd's flags on 127.0.0.1, so a test can kill -9 it.
 * bin/etcd is told not to rebuild: the test run has just compiled everything.
 */
final class ProcessMember implements AutoCloseable {
  private final String name;
  private final Path dataDir;
  private int clientPort;
  private int peerPort;
  private String initialCluster;
  private Process process;
  private final StringBuffer output = new StringBuffer();
  private final List<String> extraFlags = new ArrayList<>();
  private Path launcher = Path.of("bin/etcd").toAbsolutePath();
  private Map<String, String> environment;
  private final Map<String, String> extraEnvironment = new java.util.HashMap<>();
  /** When set, the launcher's whole argument list (the constructor's flags are not given). */
  private List<String> exactArgs;
  /** Words before the launcher, e.g. {@code ip netns exec NAME}. */
  private final List<String> prefix = new ArrayList<>();

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

  /** A member started with exactly {@code args} (a config file, discovery): none of the usual flags. */
  static ProcessMember withArgs(String name, List<String> args) {
    ProcessMember m = new ProcessMember(name, null, 0, 0, "");
    m.exactArgs = List.copyOf(args);
    return m;
  }

  /**
   * New ports for the next launch (see {@link ProcessCluster#start()}: a port found free may be taken by
   * another process before the member binds it).
   */
  void movePorts(int clientPort, int peerPort, String initialCluster) {
    this.clientPort = clientPort;
    this.peerPort = peerPort;
    this.initialCluster = initialCluster;
  }

  /** Whether the last launch failed to bind one of its ports (it exits with the bind error). */
  boolean failedToBind() {
    return process != null && !process.isAlive() && output.indexOf("Address already in use", launchedAt) >= 0;
  }

  /** Runs the launcher under {@code words} (e.g. {@code ip netns exec etcd-0}). */
  ProcessMember under(String... words) {
    prefix.addAll(List.of(words));
    return this;
  }

  /** More etcd flags for every later start. */
  ProcessMember withFlags(String... flags) {
    extraFlags.addAll(List.of(flags));
    return this;
  }

  /** One more environment variable for every later start. */
  ProcessMember withEnv(String name, String value) {
    extraEnvironment.put(name, value);
    return this;
  }

  /**
   * Runs {@code launcher} (e.g. an unpacked release's bin/etcd) with exactly {@code environment}, none
   * of the test JVM's variables.
   */
  ProcessMember withLauncher(Path launcher, Map<String, String> environment) {
    this.launcher = launcher;
    this.environment = Map.copyOf(environment);
    return this;
  }

  /** Starts the member and waits until it is ready (published through Raft). */
  void start() throws Exception {
    launch();
    awaitReady();
  }

  private MemberLog log;
  /** Where the last launch's output begins in {@link #output}. */
  private int launchedAt;

  /** Starts the process without waiting: a member of a new cluster is ready only once a quorum is up. */
  void launch() throws Exception {
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    List<String> command = new ArrayList<>(prefix);
    command.add(launcher.toString());
    if (exactArgs != null) {
      command.addAll(exactArgs);
    } else {
      command.addAll(List.of("--name", name, "--data-dir", dataDir.toString(),
          "--listen-client-urls", client, "--advertise-client-urls", client,
          "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
          "--initial-cluster", initialCluster));
    }
    command.addAll(extraFlags);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (environment != null) {
      pb.environment().clear();
      pb.environment().putAll(environment);
    } else {
      pb.environment().put("AKKA_ETCD_SKIP_BUILD", "1");
    }
    pb.environment().putAll(extraEnvironment);
    launchedAt = output.length();
    process = pb.start();
    log = new MemberLog(process, output, "member-log");
  }

  /**
   * Waits up to 120 s: with the machine's 2 cores shared by several builds (load 30-40), a member's JVM
   * has been seen to take over 60 s from launch to recovering its (empty) WAL and serving.
   */
  void awaitReady() throws Exception {
    awaitReady(120);
  }

  void awaitReady(int seconds) throws Exception {
    if (!log.awaitReady(seconds)) {
      process.destroyForcibly();
      throw new IllegalStateException("member " + name + " did not become ready:\n" + output);
    }
  }

  /** Waits for the process to exit by itself (a member that refuses its data dir); its exit code. */
  int awaitExit(int seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("member " + name + " did not exit:\n" + output);
    }
    log.awaitEnd(10);
    return process.exitValue();
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

  long pid() {
    return process.pid();
  }

  /** Resident set size (VmRSS of /proc/PID/status), in bytes. */
  long rssBytes() throws IOException {
    return memoryStatus("VmRSS");
  }

  /** A size field of /proc/PID/status ({@code VmRSS}, {@code RssAnon}, {@code RssFile}), in bytes. */
  long memoryStatus(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException("no " + field + " for " + name);
  }

  String endpoint() {
    return "http://127.0.0.1:" + clientPort;
  }

  /** SIGTERM, then waits for the exit and the last line of output; returns the exit code. */
  int terminate() throws InterruptedException {
    process.toHandle().destroy(); // Process.destroy() would also close the output we still read

    if (!process.waitFor(30, TimeUnit.SECONDS) || !log.awaitEnd(10)) {
      throw new IllegalStateException("member " + name + " did not stop on SIGTERM:\n" + output);
    }
    return process.exitValue();
  }

  Process process() {
    return process;
  }

  String output() {
    return output.toString();
  }

  /** Waits until the member's output holds {@code text}; fails with the output if it does not in time. */
  void awaitOutput(String text, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (output.indexOf(text) < 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + " never logged \"" + text + "\":\n" + output);
      }
      Thread.sleep(100);
    }
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
