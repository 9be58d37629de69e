package io.akkaetcd.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Real etcd (Debian's etcd-server) as one member on 127.0.0.1, for side-by-side comparisons. */
final class RealEtcd implements AutoCloseable {
  static final String BINARY = "/usr/bin/etcd";

  private final Process process;
  private final Path dataDir;
  private final int clientPort;

  private RealEtcd(Process process, Path dataDir, int clientPort) {
    this.process = process;
    this.dataDir = dataDir;
    this.clientPort = clientPort;
  }

  /** Starts real etcd with its defaults, plus {@code extraFlags} (e.g. --quota-backend-bytes=N). */
  static RealEtcd start(String... extraFlags) throws Exception {
    Path dir = Files.createTempDirectory("real-etcd");
    int client = freePort();
    int peer = freePort();
    String peerUrl = "http://127.0.0.1:" + peer;
    String clientUrl = "http://127.0.0.1:" + client;
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(BINARY, "--name", "default",
        "--data-dir", dir.toString(),
        "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
        "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
        "--initial-cluster", "default=" + peerUrl));
    command.addAll(java.util.List.of(extraFlags));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    MemberLog log = new MemberLog(p, new StringBuffer(), "real-etcd-log");
    if (!log.awaitReady(20)) {
      p.destroyForcibly();
      throw new IllegalStateException("real etcd did not become ready:\n" + log.output());
    }
    return new RealEtcd(p, dir, client);
  }

  String endpoint() {
    return "http://127.0.0.1:" + clientPort;
  }

  int port() {
    return clientPort;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
