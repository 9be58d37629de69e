package io.akkaetcd.raft;

/** Leader liveness plus commit index (at most the receiver's match index). readContext, when not 0, identifies pending ReadIndex requests whose leadership check this heartbeat round performs (thesis §6.4). */
public record HeartbeatRequest(long from, long to, long term, long commit, long readContext) implements RaftMessage {
}
