package io.akkaetcd.raft;

/** Answer to a heartbeat, echoing its readContext. */
public record HeartbeatResponse(long from, long to, long term, long readContext) implements RaftMessage {
}
