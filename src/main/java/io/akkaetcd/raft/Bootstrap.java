package io.akkaetcd.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * The initial state of a brand-new cluster member (etcd's RawNode.Bootstrap): one committed ADD_VOTER entry per
 * initial voter at term 1. Putting the initial membership in the log, rather than only in storage metadata, lets a
 * member that joins later learn the full membership history by replaying the log from index 1.
 *
 * <p>The driver writes {@code entries} and {@code hardState} into empty storage (whose configuration is
 * {@link Configuration#EMPTY}) before creating the {@link RaftNode}; the first Ready applies the entries. A member
 * that joins an existing cluster starts from empty storage instead and receives the log (or a snapshot) from the
 * leader.
 */
public record Bootstrap(List<LogEntry> entries, HardState hardState) {

    public static Bootstrap of(Configuration initial) {
        List<LogEntry> ents = new ArrayList<>();
        long index = 1;
        for (long v : initial.voters()) {
            ents.add(new LogEntry(index++, 1, LogEntry.EntryType.CONF_CHANGE, new ConfChange(ConfChange.Type.ADD_VOTER, v).encode()));
        }
        for (long l : initial.learners()) {
            ents.add(new LogEntry(index++, 1, LogEntry.EntryType.CONF_CHANGE, new ConfChange(ConfChange.Type.ADD_LEARNER, l).encode()));
        }
        return new Bootstrap(List.copyOf(ents), new HardState(1, RaftNode.NONE, ents.size()));
    }
}
