package io.akkaetcd.raft;

/** Success: the follower's log matches the leader's up to {@code index}. Reject: {@code index} is the rejected prevLogIndex, and (rejectHint, rejectHintTerm) is the follower's last entry whose term is at most the probed term, so the leader can skip a whole conflicting term in one round trip (paper §5.3, last paragraphs). */
public record AppendEntriesResponse(long from, long to, long term, long index, boolean reject, long rejectHint, long rejectHintTerm) implements RaftMessage {
}
