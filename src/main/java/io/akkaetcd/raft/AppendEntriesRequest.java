package io.akkaetcd.raft;

import java.util.List;

/** Replicates entries after (prevLogIndex, prevLogTerm); empty entries still carry the commit index (paper §5.3). */
public record AppendEntriesRequest(long from, long to, long term, long prevLogIndex, long prevLogTerm, List<LogEntry> entries, long leaderCommit) implements RaftMessage {
}
