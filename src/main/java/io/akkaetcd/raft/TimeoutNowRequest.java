package io.akkaetcd.raft;

/** Tells an up-to-date follower to start an election at once, skipping pre-vote (thesis §3.10). */
public record TimeoutNowRequest(long from, long to, long term) implements RaftMessage {
}
