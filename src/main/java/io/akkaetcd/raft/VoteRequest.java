package io.akkaetcd.raft;

/** Asks for a vote (paper §5.2) or, with preVote, whether a vote would be granted at term without anyone changing term (thesis §9.6). {@code term} is the term campaigned for. leadershipTransfer bypasses the receivers' leader lease (thesis §3.10). */
public record VoteRequest(long from, long to, long term, long lastLogIndex, long lastLogTerm, boolean preVote, boolean leadershipTransfer) implements RaftMessage {
}
