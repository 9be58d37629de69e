package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A private network namespace with loopback up (ip netns), so that a test can cut and heal peer links
 * with iptables inside it without touching the machine's network. Processes run in it through
 * {@link #exec}; a process started with {@link #execAsGroup} runs with its own group ID, which an
 * iptables owner match singles out (its outgoing connections, which no port identifies).
 * Skipped, with the reason, where the test is not root or iptables is missing.
 */
final class NetworkNamespace implements AutoCloseable {
  private final String name;

  private NetworkNamespace(String name) {
    this.name = name;
  }

  static NetworkNamespace create() throws Exception {
    assumeTrue("0".equals(run(List.of("id", "-u")).trim()), "needs root for ip netns and iptables");
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/iptables")),
        "needs iptables (bin/test installs Debian's iptables package)");
    String name = "akkaetcd-" + UUID.randomUUID().toString().substring(0, 8);
    run(List.of("ip", "netns", "add", name));
    NetworkNamespace ns = new NetworkNamespace(name);
    try {
      run(List.of("ip", "-n", name, "link", "set", "lo", "up"));
      ns.iptables("-S"); // fails here, not in the middle of a test, if the kernel lacks netfilter
    } catch (Exception e) {
      ns.close();
      throw e;
    }
    return ns;
  }

  /** The command prefix that runs a program inside the namespace. */
  List<String> exec() {
    return List.of("ip", "netns", "exec", name);
  }

  /** Inside the namespace with group ID {@code gid} (still root's user, so files stay readable). */
  List<String> execAsGroup(int gid) {
    return List.of("ip", "netns", "exec", name, "setpriv", "--regid=" + gid, "--clear-groups");
  }

  void iptables(String... args) throws Exception {
    List<String> command = new ArrayList<>(exec());
    command.add("iptables");
    command.addAll(List.of(args));
    run(command);
  }

  private static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(command + " failed: " + out);
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    run(List.of("ip", "netns", "delete", name));
  }
}
