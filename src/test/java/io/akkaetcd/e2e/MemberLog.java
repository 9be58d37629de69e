package io.akkaetcd.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Follows the output of a member process (real etcd or ours) on a daemon thread: keeps it, and notes
 * etcd's readiness line, "ready to serve client requests".
 */
final class MemberLog {
  private final StringBuffer output;
  private final CountDownLatch ready = new CountDownLatch(1);
  private final Thread reader;

  /** Appends to {@code output}, so a member restarted with a new process keeps one log. */
  MemberLog(Process process, StringBuffer output, String threadName) {
    this.output = output;
    reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          output.append(line).append('\n');
          if (line.contains("ready to serve client requests")) {
            ready.countDown();
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, threadName);
    reader.setDaemon(true);
    reader.start();
  }

  boolean awaitReady(long seconds) throws InterruptedException {
    return ready.await(seconds, TimeUnit.SECONDS);
  }

  /** Waits until the process has closed its output and every line of it is in {@link #output()}. */
  boolean awaitEnd(long seconds) throws InterruptedException {
    reader.join(TimeUnit.SECONDS.toMillis(seconds));
    return !reader.isAlive();
  }

  String output() {
    return output.toString();
  }
}
