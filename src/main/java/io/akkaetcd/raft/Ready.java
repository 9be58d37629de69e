package io.akkaetcd.raft;

import java.util.List;

/**
 * One batch of work for the driver; see {@link RaftNode} for the order to handle it in.
 *
 * @param softState       leader and role, or null if unchanged since the previous Ready
 * @param hardState       term/vote/commit to persist, or null if unchanged
 * @param entries         entries to append to stable storage (they may overwrite a conflicting tail)
 * @param snapshot        a snapshot received from the leader, to persist and restore, or null
 * @param messages        to send once the above is durable, or at once if {@code sendBeforePersist}
 * @param committedEntries entries to apply to the state machine, in index order
 * @param readStates      linearizable reads to serve once committedEntries are applied
 * @param mustSync        entries, a snapshot, or a new term or vote must be on disk before any message
 *                        is sent (etcd's MustSync); a hard state that changed only its commit index may
 *                        be written lazily: a restarted member recomputes commitment
 * @param sendBeforePersist the messages are a steady leader's (no new term, vote or snapshot here) and may be
 *                        sent while its entries are being persisted (thesis §10.2.1): the leader counts its own
 *                        entries toward commitment only once {@link RaftNode#advance} reports them persisted
 */
public record Ready(SoftState softState, HardState hardState, List<LogEntry> entries, Snapshot snapshot,
                    List<RaftMessage> messages, List<LogEntry> committedEntries, List<ReadState> readStates, boolean mustSync,
                    boolean sendBeforePersist) {

    public Ready {
        entries = List.copyOf(entries);
        messages = List.copyOf(messages);
        committedEntries = List.copyOf(committedEntries);
        readStates = List.copyOf(readStates);
    }

}
