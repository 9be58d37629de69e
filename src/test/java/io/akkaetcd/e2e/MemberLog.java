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
  private final CountDownLatch ended = new CountDownLatch(1);

  /** Appends to {@code output}, so a member restarted with a new process keeps one log. */
  MemberLog(Process process, StringBuffer output, String threadName) {
    this.output = output;
    Thread reader = new Thread(() -> {
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
      } finally {
        ended.countDown();
      }
    }, threadName);
    reader.setDaemon(true);
    reader.start();
  }

  boolean awaitReady(long seconds) throws InterruptedException {
    return ready.await(seconds, TimeUnit.SECONDS);
  }

  /** Waits until the process's output has been read to its end. */
  void awaitEnd() throws InterruptedException {
    ended.await(10, TimeUnit.SECONDS);
  }

  String output() {
    return output.toString();
  }
}
