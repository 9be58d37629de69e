package io.akkaetcd.raft;

/** The leader's read index for a forwarded read, sent once leadership was confirmed. */
public record ReadIndexResponse(long from, long to, long term, long requestId, long index) implements RaftMessage {
}
