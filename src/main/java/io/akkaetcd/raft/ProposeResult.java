package io.akkaetcd.raft;

/** Outcome of {@link RaftNode#propose(byte[])} and {@link RaftNode#proposeConfChange(ConfChange)}. */
public sealed interface ProposeResult {

    /** Appended to the leader's log at (index, term); it is committed once an applied entry has both. */
    record Accepted(long index, long term) implements ProposeResult { }

    /** This member is not the leader; {@code leaderId} is the known leader or {@link RaftNode#NONE}. */
    record NotLeader(long leaderId) implements ProposeResult { }

    /** The leader refused it for now (leadership transfer in progress, a conf change still pending, ...). */
    record Dropped(String reason) implements ProposeResult { }
}
