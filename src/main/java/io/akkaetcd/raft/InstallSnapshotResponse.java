package io.akkaetcd.raft;

/** The follower's last index after handling a snapshot; the leader treats it as a successful append up to index. */
public record InstallSnapshotResponse(long from, long to, long term, long index) implements RaftMessage {
}
