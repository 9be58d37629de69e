package io.akkaetcd.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The top-level Dockerfile, built with podman and run: a member from the image answers etcdctl,
 * passes its HEALTHCHECK, runs as the non-root user and stops on SIGTERM (podman stop) through its
 * shutdown hook. Building takes minutes (Maven inside the build stage), so it runs only when asked:
 * {@code AKKA_ETCD_CONTAINER_TEST=1}, with podman installed and the Dockerfile's FROM images present
 * (from a registry, or made by deploy/container/base-images.sh where none is reachable).
 */
class ContainerImageTest {
  private static final List<String> PODMAN = List.of("podman", "--runtime", "runc", "--cgroup-manager=cgroupfs");
  private static final String IMAGE = "localhost/akka-etcd:test";

  record Result(int exit, String out) {}

  static Result run(long timeoutSeconds, String... args) throws Exception {
    List<String> command = new ArrayList<>(PODMAN);
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (System.getenv("CONTAINERS_CONF") == null) {
      // ETCD-FACTS.md: these machines refuse the default ulimits podman sets
      Path conf = Files.createTempFile("akka-etcd-containers", ".conf");
      Files.writeString(conf, "[containers]\ndefault_ulimits = []\n");
      pb.environment().put("CONTAINERS_CONF", conf.toString());
    }
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(timeoutSeconds, TimeUnit.SECONDS), "podman " + String.join(" ", args));
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static String etcdctl(String endpoint, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("/usr/bin/etcdctl", "--endpoints=" + endpoint, "--dial-timeout=5s"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return out;
  }

  @Test
  void aMemberRunsFromTheImage() throws Exception {
    assumeTrue("1".equals(System.getenv("AKKA_ETCD_CONTAINER_TEST")),
        "set AKKA_ETCD_CONTAINER_TEST=1 to build the Dockerfile with podman (takes minutes)");
    boolean podman;
    try {
      podman = run(60, "version").exit() == 0;
    } catch (IOException e) {
      podman = false;
    }
    assumeTrue(podman, "podman is not installed (apt-get install -y podman runc); the image cannot be built here");
    for (String base : List.of("docker.io/library/maven:3-eclipse-temurin-17", "docker.io/library/eclipse-temurin:17-jre")) {
      assumeTrue(run(60, "image", "exists", base).exit() == 0,
          base + " is not present; without a registry make it with deploy/container/base-images.sh");
    }

    List<String> build = new ArrayList<>(List.of("build", "--format", "docker", "--network=host", "-t", IMAGE));
    Path m2 = Path.of(System.getProperty("user.home"), ".m2");
    if (Files.isDirectory(m2)) build.addAll(List.of("--volume", m2 + ":/root/.m2")); // Maven's cache, not the network
    build.add(".");
    Result built = run(1800, build.toArray(String[]::new));
    assertEquals(0, built.exit(), built.out());

    int client = freePort();
    int peer = freePort();
    String name = "akka-etcd-test-" + ProcessHandle.current().pid();
    String clientUrl = "http://127.0.0.1:" + client;
    String peerUrl = "http://127.0.0.1:" + peer;
    try {
      // Host networking (the container shares this loopback); every setting as an ETCD_* variable.
      Result started = run(120, "run", "-d", "--name", name, "--network=host",
          "-e", "ETCD_NAME=box", "-e", "ETCD_LISTEN_CLIENT_URLS=" + clientUrl, "-e", "ETCD_ADVERTISE_CLIENT_URLS=" + clientUrl,
          "-e", "ETCD_LISTEN_PEER_URLS=" + peerUrl, "-e", "ETCD_INITIAL_ADVERTISE_PEER_URLS=" + peerUrl,
          "-e", "ETCD_INITIAL_CLUSTER=box=" + peerUrl, "-e", "AKKA_ETCD_HEALTH_PORT=" + client, IMAGE);
      assertEquals(0, started.exit(), started.out());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      String logs = "";
      while (!logs.contains("ready to serve client requests") && System.nanoTime() < deadline) {
        Thread.sleep(200);
        logs = run(60, "logs", name).out();
      }
      assertTrue(logs.contains("ready to serve client requests"), logs);
      assertTrue(logs.contains("recognized and used environment variable ETCD_DATA_DIR=/var/lib/etcd"), logs);

      assertEquals("OK\n", etcdctl(clientUrl, "put", "boxed", "yes"));
      assertEquals("boxed\nyes\n", etcdctl(clientUrl, "get", "boxed"));
      Result health = run(60, "healthcheck", "run", name);
      assertEquals(0, health.exit(), "HEALTHCHECK on /health: " + health.out());
      assertEquals("2379\n", run(60, "exec", name, "id", "-u").out(), "runs as the image's etcd user");
      assertTrue(run(60, "exec", name, "ls", "/var/lib/etcd/member").out().contains("kv"), "data on the volume");

      Result stopped = run(120, "stop", "-t", "60", name);
      assertEquals(0, stopped.exit(), stopped.out());
      String exit = run(60, "inspect", "--format", "{{.State.ExitCode}}", name).out().trim();
      assertEquals("143", exit, "stopped by SIGTERM through the JVM's hooks, not killed after the timeout");
      assertTrue(run(60, "logs", name).out().contains("received signal; shutting down"));
    } finally {
      run(120, "rm", "-f", "-v", name);
    }
  }
}
