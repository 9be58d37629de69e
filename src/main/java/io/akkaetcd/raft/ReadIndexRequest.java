package io.akkaetcd.raft;

/** A follower forwards a linearizable read to the leader (thesis §6.4). */
public record ReadIndexRequest(long from, long to, long term, long requestId) implements RaftMessage {
}
