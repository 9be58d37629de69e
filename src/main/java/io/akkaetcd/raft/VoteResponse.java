package io.akkaetcd.raft;

/** Answer to a VoteRequest; a granted pre-vote carries the campaign term, a rejection the voter's term. */
public record VoteResponse(long from, long to, long term, boolean preVote, boolean granted) implements RaftMessage {
}
