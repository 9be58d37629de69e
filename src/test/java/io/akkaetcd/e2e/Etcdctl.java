package io.akkaetcd.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Debian's etcdctl (v3 API) against one endpoint and captures what it prints. */
final class Etcdctl {
  static final String BINARY = "/usr/bin/etcdctl";

  record Result(int exitCode, String stdout, String stderr) {}

  private Etcdctl() {}

  static Result run(String endpoint, String stdin, String... args) {
    return runUnder(List.of(), endpoint, stdin, args);
  }

  /**
   * Runs etcdctl again while it fails with one of etcd's election-time errors (no leader, request timed
   * out, leader changed), up to {@code seconds}: a cluster that just formed on a loaded machine may elect
   * again before it takes writes. Any other outcome is returned at once.
   */
  static Result runOnceLeaderIsStable(List<String> launcher, String endpoint, int seconds, String... args) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      Result r = runUnder(launcher, endpoint, null, args);
      if (!electing(r) || System.nanoTime() > deadline) return r;
    }
  }

  /** Failed with one of etcd's election-time errors. */
  static boolean electing(Result r) {
    return r.exitCode() != 0 && List.of("etcdserver: no leader", "etcdserver: request timed out",
        "etcdserver: leader changed").stream().anyMatch(r.stderr()::contains);
  }

  /** Runs etcdctl under a command prefix, e.g. {@code ip netns exec NS} to reach members inside a namespace. */
  static Result runUnder(List<String> launcher, String endpoint, String stdin, String... args) {
    List<String> command = new ArrayList<>(launcher);
    command.add(BINARY);
    command.add("--endpoints=" + endpoint);
    command.add("--dial-timeout=5s");
    if (List.of(args).stream().noneMatch(a -> a.startsWith("--command-timeout"))) {
      command.add("--command-timeout=10s");
    }
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("ETCDCTL_API", "3");
    try {
      Process p = pb.start();
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      var out = p.getInputStream().readAllBytes();
      var err = p.getErrorStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("etcdctl did not finish: " + command);
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + BINARY + " (apt-get install etcd-client)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An etcdctl that keeps running (watch, lock, elect): its output so far, and a way to stop it. */
  static final class Running implements AutoCloseable {
    private final Process process;
    private final StringBuffer out = new StringBuffer();

    private Running(Process process) {
      this.process = process;
      Thread reader = new Thread(() -> {
        try (var in = process.getInputStream()) {
          byte[] buf = new byte[4096];
          for (int n; (n = in.read(buf)) > 0; ) {
            out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
          }
        } catch (IOException ignored) {
          // the process ended
        }
      }, "etcdctl-out");
      reader.setDaemon(true);
      reader.start();
    }

    String output() {
      return out.toString();
    }

    /** Waits until the output holds {@code lines} lines, or the deadline; returns the output. */
    String awaitLines(int lines, long timeoutMillis) throws InterruptedException {
      long deadline = System.currentTimeMillis() + timeoutMillis;
      while (output().split("\n", -1).length - 1 < lines && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      return output();
    }

    /** Waits until the output stops growing for {@code quietMillis}; returns it. */
    String awaitQuiet(long quietMillis, long timeoutMillis) throws InterruptedException {
      long deadline = System.currentTimeMillis() + timeoutMillis;
      String last = output();
      long since = System.currentTimeMillis();
      while (System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
        String now = output();
        if (!now.equals(last)) {
          last = now;
          since = System.currentTimeMillis();
        } else if (!now.isEmpty() && System.currentTimeMillis() - since >= quietMillis) {
          break;
        }
      }
      return last;
    }

    boolean isAlive() {
      return process.isAlive();
    }

    /** SIGTERM, as an operator's Ctrl-C would; etcdctl lock and elect release what they hold. */
    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  static Running start(String endpoint, String... args) {
    List<String> command = new ArrayList<>();
    command.add(BINARY);
    command.add("--endpoints=" + endpoint);
    command.add("--dial-timeout=5s");
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("ETCDCTL_API", "3");
    try {
      return new Running(pb.start());
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + BINARY, e);
    }
  }
}
