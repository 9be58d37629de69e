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
    List<String> command = new ArrayList<>();
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
}
