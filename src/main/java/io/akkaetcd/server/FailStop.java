package io.akkaetcd.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a member does when a part it cannot run without has failed (the store actor, the Raft actor
 * and its WAL, the watch hub): as etcd on a WAL or apply error, it stops serving at once rather than
 * answer as a zombie. Injected, so that in-process tests observe it instead of losing their JVM.
 */
@FunctionalInterface
public interface FailStop {
  /** Exit status of a member that fail-stopped (etcd's lg.Fatal exits with 1). */
  int EXIT_STATUS = 1;

  void failStop(String what, Throwable cause);

  /**
   * The process's: log what failed, then halt with {@link #EXIT_STATUS}. No shutdown hook runs, so
   * nothing half-applied is flushed to the backend; the WAL and the backend recover as after a crash.
   */
  static FailStop haltProcess() {
    Logger log = LoggerFactory.getLogger(FailStop.class);
    return (what, cause) -> {
      log.error("fail-stop: {} failed; exiting with status {} (nothing more is answered)", what, EXIT_STATUS, cause);
      System.err.flush();
      Runtime.getRuntime().halt(EXIT_STATUS);
    };
  }
}
