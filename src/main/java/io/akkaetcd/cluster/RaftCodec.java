package io.akkaetcd.cluster;

import com.google.protobuf.ByteString;
import io.akkaetcd.cluster.proto.AppendRequestProto;
import io.akkaetcd.cluster.proto.AppendResponseProto;
import io.akkaetcd.cluster.proto.ConfigurationProto;
import io.akkaetcd.cluster.proto.EntryProto;
import io.akkaetcd.cluster.proto.HardStateProto;
import io.akkaetcd.cluster.proto.HeartbeatRequestProto;
import io.akkaetcd.cluster.proto.HeartbeatResponseProto;
import io.akkaetcd.cluster.proto.PeerMessage;
import io.akkaetcd.cluster.proto.ReadIndexResponseProto;
import io.akkaetcd.cluster.proto.SnapshotProto;
import io.akkaetcd.cluster.proto.VoteRequestProto;
import io.akkaetcd.cluster.proto.VoteResponseProto;
import io.akkaetcd.raft.AppendEntriesRequest;
import io.akkaetcd.raft.AppendEntriesResponse;
import io.akkaetcd.raft.Configuration;
import io.akkaetcd.raft.HardState;
import io.akkaetcd.raft.HeartbeatRequest;
import io.akkaetcd.raft.HeartbeatResponse;
import io.akkaetcd.raft.InstallSnapshotRequest;
import io.akkaetcd.raft.InstallSnapshotResponse;
import io.akkaetcd.raft.LogEntry;
import io.akkaetcd.raft.RaftMessage;
import io.akkaetcd.raft.ReadIndexRequest;
import io.akkaetcd.raft.ReadIndexResponse;
import io.akkaetcd.raft.Snapshot;
import io.akkaetcd.raft.TimeoutNowRequest;
import io.akkaetcd.raft.VoteRequest;
import io.akkaetcd.raft.VoteResponse;
import java.util.TreeSet;

/** The Raft core's records to and from their protobuf form, for the wire and the WAL. */
public final class RaftCodec {
  private RaftCodec() {}

  public static PeerMessage encode(RaftMessage m) {
    PeerMessage.Builder b = PeerMessage.newBuilder().setFrom(m.from()).setTo(m.to()).setTerm(m.term());
    if (m instanceof VoteRequest v) {
      b.setVoteRequest(VoteRequestProto.newBuilder().setLastLogIndex(v.lastLogIndex())
          .setLastLogTerm(v.lastLogTerm()).setPreVote(v.preVote()).setLeadershipTransfer(v.leadershipTransfer()));
    } else if (m instanceof VoteResponse v) {
      b.setVoteResponse(VoteResponseProto.newBuilder().setPreVote(v.preVote()).setGranted(v.granted()));
    } else if (m instanceof AppendEntriesRequest a) {
      AppendRequestProto.Builder ab = AppendRequestProto.newBuilder().setPrevLogIndex(a.prevLogIndex())
          .setPrevLogTerm(a.prevLogTerm()).setLeaderCommit(a.leaderCommit());
      a.entries().forEach(e -> ab.addEntries(encode(e)));
      b.setAppendRequest(ab);
    } else if (m instanceof AppendEntriesResponse a) {
      b.setAppendResponse(AppendResponseProto.newBuilder().setIndex(a.index()).setReject(a.reject())
          .setRejectHint(a.rejectHint()).setRejectHintTerm(a.rejectHintTerm()));
    } else if (m instanceof HeartbeatRequest h) {
      b.setHeartbeatRequest(HeartbeatRequestProto.newBuilder().setCommit(h.commit()).setReadContext(h.readContext()));
    } else if (m instanceof HeartbeatResponse h) {
      b.setHeartbeatResponse(HeartbeatResponseProto.newBuilder().setReadContext(h.readContext()));
    } else if (m instanceof InstallSnapshotRequest s) {
      b.setInstallSnapshot(encode(s.snapshot()));
    } else if (m instanceof InstallSnapshotResponse s) {
      b.setInstallSnapshotResponseIndex(s.index());
    } else if (m instanceof TimeoutNowRequest) {
      b.setTimeoutNow(true);
    } else if (m instanceof ReadIndexRequest r) {
      b.setReadIndexRequestId(r.requestId());
    } else if (m instanceof ReadIndexResponse r) {
      b.setReadIndexResponse(ReadIndexResponseProto.newBuilder().setRequestId(r.requestId()).setIndex(r.index()));
    } else {
      throw new IllegalArgumentException("unknown raft message " + m);
    }
    return b.build();
  }

  /** The Raft message a peer message carries; null for a forwarded proposal, which is not one. */
  public static RaftMessage decode(PeerMessage p) {
    long from = p.getFrom();
    long to = p.getTo();
    long term = p.getTerm();
    return switch (p.getBodyCase()) {
      case VOTE_REQUEST -> {
        VoteRequestProto v = p.getVoteRequest();
        yield new VoteRequest(from, to, term, v.getLastLogIndex(), v.getLastLogTerm(), v.getPreVote(),
            v.getLeadershipTransfer());
      }
      case VOTE_RESPONSE -> new VoteResponse(from, to, term, p.getVoteResponse().getPreVote(),
          p.getVoteResponse().getGranted());
      case APPEND_REQUEST -> {
        AppendRequestProto a = p.getAppendRequest();
        yield new AppendEntriesRequest(from, to, term, a.getPrevLogIndex(), a.getPrevLogTerm(),
            a.getEntriesList().stream().map(RaftCodec::decode).toList(), a.getLeaderCommit());
      }
      case APPEND_RESPONSE -> {
        AppendResponseProto a = p.getAppendResponse();
        yield new AppendEntriesResponse(from, to, term, a.getIndex(), a.getReject(), a.getRejectHint(),
            a.getRejectHintTerm());
      }
      case HEARTBEAT_REQUEST -> new HeartbeatRequest(from, to, term, p.getHeartbeatRequest().getCommit(),
          p.getHeartbeatRequest().getReadContext());
      case HEARTBEAT_RESPONSE -> new HeartbeatResponse(from, to, term, p.getHeartbeatResponse().getReadContext());
      case INSTALL_SNAPSHOT -> new InstallSnapshotRequest(from, to, term, decode(p.getInstallSnapshot()));
      case INSTALL_SNAPSHOT_RESPONSE_INDEX -> new InstallSnapshotResponse(from, to, term,
          p.getInstallSnapshotResponseIndex());
      case TIMEOUT_NOW -> new TimeoutNowRequest(from, to, term);
      case READ_INDEX_REQUEST_ID -> new ReadIndexRequest(from, to, term, p.getReadIndexRequestId());
      case READ_INDEX_RESPONSE -> new ReadIndexResponse(from, to, term, p.getReadIndexResponse().getRequestId(),
          p.getReadIndexResponse().getIndex());
      case FORWARDED_PROPOSAL, FORWARDED_CONF_CHANGE, LEASE_RENEW, SNAPSHOT_CHUNK, SNAPSHOT_ACK, BODY_NOT_SET -> null;
    };
  }

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
