package io.akkaetcd.cluster;

import io.akkaetcd.raft.ConfChange;
import io.akkaetcd.raft.Configuration;
import io.akkaetcd.raft.HardState;
import io.akkaetcd.raft.LogEntry;
import io.akkaetcd.raft.MemoryRaftStorage;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's --force-new-cluster (etcdserver/raft.go restartAsStandaloneNode): the log's uncommitted tail is
 * dropped, and configuration changes that remove every other member (and make this one a voter) are
 * appended and taken as committed. Once Raft applies them, at start, this member is the only voter and
 * elects itself; every key, lease and revision it had applied stays.
 */
final class ForceNewCluster {
  private static final Logger log = LoggerFactory.getLogger(ForceNewCluster.class);

  private ForceNewCluster() {}

  /** What the WAL must journal before the node starts: the appended changes and the forced hard state. */
  record Forced(List<LogEntry> appended, HardState hardState) {}

  /** Applies it to the recovered {@code storage}; null if this member is already alone (nothing to journal). */
  static Forced apply(MemoryRaftStorage storage, long self) {
    HardState hs = storage.hardState();
    long commit = hs.commit();
    if (storage.lastIndex() > commit) {
      log.info("discarding uncommitted WAL entries: entry-index={} commit-index-from-wal={} number-of-discarded-entries={}",
          commit + 1, commit, storage.lastIndex() - commit);
    }
    Configuration conf = storage.snapshot().configuration();
    if (commit > storage.snapshot().index()) {
      for (LogEntry e : storage.entries(storage.snapshot().index() + 1, commit + 1, Long.MAX_VALUE)) {
        if (e.type() == LogEntry.EntryType.CONF_CHANGE) {
          conf = conf.apply(ConfChange.decode(e.data()));
        }
      }
    }
    List<ConfChange> changes = new ArrayList<>();
    if (!conf.isVoter(self)) {
      changes.add(new ConfChange(ConfChange.Type.ADD_VOTER, self));
    }
    for (long id : conf.members()) {
      if (id != self) {
        changes.add(new ConfChange(ConfChange.Type.REMOVE_NODE, id));
      }
    }
    List<LogEntry> appended = new ArrayList<>();
    long index = commit;
    for (ConfChange cc : changes) {
      appended.add(new LogEntry(++index, hs.term(), LogEntry.EntryType.CONF_CHANGE, cc.encode()));
    }
    HardState forced = new HardState(hs.term(), hs.vote(), index);
    if (appended.isEmpty()) {
      return null; // already alone: as a lone voter it commits its own tail
    }
    // Overwrites the log from commit + 1 (the uncommitted tail), as a leader's conflicting append would.
    storage.append(appended);
    storage.setHardState(forced);
    log.info("forcing restart member: local-member-id={} commit-index={} removed-members={}",
        Long.toHexString(self), index, changes.stream().filter(c -> c.type() == ConfChange.Type.REMOVE_NODE)
            .map(c -> Long.toHexString(c.nodeId())).toList());
    return new Forced(appended, forced);
  }
}
