package io.akkaetcd.raft;

/** Sent when the follower needs entries the leader has compacted away (paper §7). */
public record InstallSnapshotRequest(long from, long to, long term, Snapshot snapshot) implements RaftMessage {
}
