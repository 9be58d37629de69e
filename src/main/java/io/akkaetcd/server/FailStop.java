package io.akkaetcd.server;

import org.slf4j.LoggerFactory;

/**
 * What a member does when it can no longer promise durability (its WAL actor or journal failed): stop at once,
 * as etcd does on a WAL error, so that nothing not durable is ever answered. Tests inject their own.
 */
@FunctionalInterface
public interface FailStop {
  void stop(String reason);

  /** Logs the reason and halts the process with a non-zero status (no shutdown hooks: nothing more is written). */
  FailStop EXIT = reason -> {
    LoggerFactory.getLogger(FailStop.class).error("fail-stop: {}; exiting", reason);
    Runtime.getRuntime().halt(1);
  };
}
