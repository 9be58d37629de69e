package io.akkaetcd.raft;

/** Volatile state the driver may want to observe (who leads, what role this member plays); never persisted. */
public record SoftState(long leaderId, Role role) {
}
