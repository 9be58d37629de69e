package io.akkaetcd.server.lease;

/**
 * Whether this member may decide lease expiry now. Only the leader does, and its revokes go through
 * the log, so every member deletes the same keys at the same revision. A lone member always leads;
 * with Raft this is the Raft actor's view of its role.
 */
@FunctionalInterface
public interface Leadership {
  boolean isLeader();

  Leadership ALWAYS = () -> true;
}
