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
  /** Released by the readiness line or by the end of the output (the process died before it was ready). */
  private final CountDownLatch settled = new CountDownLatch(1);
  private volatile boolean ready;
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
            ready = true;
            settled.countDown();
          }
        }
      } catch (IOException ignored) {
        // the process ended
      } finally {
        settled.countDown();
      }
    }, threadName);
    reader.setDaemon(true);
    reader.start();
  }

  /** True once the member logged that it is ready; false at once if it ended first, or after {@code seconds}. */
  boolean awaitReady(long seconds) throws InterruptedException {
    return settled.await(seconds, TimeUnit.SECONDS) && ready;
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
