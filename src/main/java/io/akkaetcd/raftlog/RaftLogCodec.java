package io.akkaetcd.raftlog;

import com.google.protobuf.ByteString;
import io.akkaetcd.raft.Configuration;
import io.akkaetcd.raft.HardState;
import io.akkaetcd.raft.LogEntry;
import io.akkaetcd.raft.Snapshot;
import io.akkaetcd.raftlog.proto.ConfigurationProto;
import io.akkaetcd.raftlog.proto.EntryProto;
import io.akkaetcd.raftlog.proto.HardStateProto;
import io.akkaetcd.raftlog.proto.SnapshotProto;
import java.util.TreeSet;

/**
 * The durable Raft records (entries, snapshot metadata, configuration, hard state) to and from their
 * protobuf form. The WAL writes these and the transport carries them; this package sits below both
 * (etcd's raftpb), so neither depends on the other.
 */
public final class RaftLogCodec {
  private RaftLogCodec() {}

  public static EntryProto encode(LogEntry e) {
    return EntryProto.newBuilder().setIndex(e.index()).setTerm(e.term())
        .setConfChange(e.type() == LogEntry.EntryType.CONF_CHANGE).setData(ByteString.copyFrom(e.data())).build();
  }

  public static LogEntry decode(EntryProto e) {
    return new LogEntry(e.getIndex(), e.getTerm(),
        e.getConfChange() ? LogEntry.EntryType.CONF_CHANGE : LogEntry.EntryType.NORMAL, e.getData().toByteArray());
  }

  public static SnapshotProto encode(Snapshot s) {
    return SnapshotProto.newBuilder().setIndex(s.index()).setTerm(s.term())
        .setConfiguration(encode(s.configuration())).setData(ByteString.copyFrom(s.data())).build();
  }

  public static Snapshot decode(SnapshotProto s) {
    return new Snapshot(s.getIndex(), s.getTerm(), decode(s.getConfiguration()), s.getData().toByteArray());
  }

  public static ConfigurationProto encode(Configuration c) {
    return ConfigurationProto.newBuilder().addAllVoters(c.voters()).addAllLearners(c.learners()).build();
  }

  public static Configuration decode(ConfigurationProto c) {
    return new Configuration(new TreeSet<>(c.getVotersList()), new TreeSet<>(c.getLearnersList()));
  }

  public static HardStateProto encode(HardState h) {
    return HardStateProto.newBuilder().setTerm(h.term()).setVote(h.vote()).setCommit(h.commit()).build();
  }

  public static HardState decode(HardStateProto h) {
    return new HardState(h.getTerm(), h.getVote(), h.getCommit());
  }
}
