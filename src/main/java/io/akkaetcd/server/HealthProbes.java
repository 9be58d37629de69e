package io.akkaetcd.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * etcd 3.5's {@code /livez} and {@code /readyz} (api/etcdhttp/health.go): named checks run in order,
 * {@code ?exclude=NAME} skips one, {@code ?verbose} lists each, {@code /readyz/NAME} runs one alone.
 * Kubernetes probes read only the status: 200 and "ok", or 503.
 */
final class HealthProbes {
  /** A check: empty when it passes, else why it failed. */
  interface Check extends Supplier<CompletionStage<Optional<String>>> {}

  record Answer(int status, String body) {}

  private final String path;
  private final Map<String, Check> checks;

  HealthProbes(String path, Map<String, Check> checks) {
    this.path = path;
    this.checks = new LinkedHashMap<>(checks);
  }

  boolean serves(String requestPath) {
    return requestPath.equals(path) || requestPath.startsWith(path + "/") && checks.containsKey(requestPath.substring(path.length() + 1));
  }

  CompletionStage<Answer> answer(String requestPath, Set<String> excluded, boolean verbose) {
    Map<String, Check> run = new LinkedHashMap<>();
    String shown = requestPath;
    if (requestPath.equals(path)) {
      checks.forEach((name, check) -> {
        if (!excluded.contains(name)) run.put(name, check);
      });
    } else {
      String name = requestPath.substring(path.length() + 1);
      run.put(name, checks.get(name));
    }
    List<CompletableFuture<Optional<String>>> results = new ArrayList<>();
    run.values().forEach(c -> results.add(c.get().toCompletableFuture()
        .exceptionally(e -> Optional.of(String.valueOf(e.getMessage())))));
    return CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
      StringBuilder lines = new StringBuilder();
      boolean failed = false;
      int i = 0;
      for (String name : checks.keySet()) {
        if (requestPath.equals(path) && excluded.contains(name)) {
          lines.append("[+]").append(name).append(" excluded: ok\n");
        }
      }
      for (String name : run.keySet()) {
        Optional<String> failure = results.get(i++).join();
        if (failure.isPresent()) {
          failed = true;
          lines.append("[-]").append(name).append(" failed: ").append(failure.get()).append('\n');
        } else {
          lines.append("[+]").append(name).append(" ok\n");
        }
      }
      if (failed) return new Answer(503, lines + shown + " check failed\n");
      return new Answer(200, verbose ? lines + shown + " check passed\n" : "ok\n");
    });
  }
}
