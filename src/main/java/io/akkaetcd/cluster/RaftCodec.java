package io.akkaetcd.cluster;

import io.akkaetcd.cluster.proto.AppendRequestProto;
import io.akkaetcd.cluster.proto.AppendResponseProto;
import io.akkaetcd.cluster.proto.HeartbeatRequestProto;
import io.akkaetcd.cluster.proto.HeartbeatResponseProto;
import io.akkaetcd.cluster.proto.PeerMessage;
import io.akkaetcd.cluster.proto.ReadIndexResponseProto;
import io.akkaetcd.cluster.proto.VoteRequestProto;
import io.akkaetcd.cluster.proto.VoteResponseProto;
import io.akkaetcd.raft.AppendEntriesRequest;
import io.akkaetcd.raft.AppendEntriesResponse;
import io.akkaetcd.raft.HeartbeatRequest;
import io.akkaetcd.raft.HeartbeatResponse;
import io.akkaetcd.raft.InstallSnapshotRequest;
import io.akkaetcd.raft.InstallSnapshotResponse;
import io.akkaetcd.raft.RaftMessage;
import io.akkaetcd.raft.ReadIndexRequest;
import io.akkaetcd.raft.ReadIndexResponse;
import io.akkaetcd.raft.TimeoutNowRequest;
import io.akkaetcd.raft.VoteRequest;
import io.akkaetcd.raft.VoteResponse;
import io.akkaetcd.raftlog.RaftLogCodec;

/** Raft messages to and from their wire form; the durable records inside them are {@link RaftLogCodec}'s. */
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
      a.entries().forEach(e -> ab.addEntries(RaftLogCodec.encode(e)));
      b.setAppendRequest(ab);
    } else if (m instanceof AppendEntriesResponse a) {
      b.setAppendResponse(AppendResponseProto.newBuilder().setIndex(a.index()).setReject(a.reject())
          .setRejectHint(a.rejectHint()).setRejectHintTerm(a.rejectHintTerm()));
    } else if (m instanceof HeartbeatRequest h) {
      b.setHeartbeatRequest(HeartbeatRequestProto.newBuilder().setCommit(h.commit()).setReadContext(h.readContext()));
    } else if (m instanceof HeartbeatResponse h) {
      b.setHeartbeatResponse(HeartbeatResponseProto.newBuilder().setReadContext(h.readContext()));
    } else if (m instanceof InstallSnapshotRequest s) {
      b.setInstallSnapshot(RaftLogCodec.encode(s.snapshot()));
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
            a.getEntriesList().stream().map(RaftLogCodec::decode).toList(), a.getLeaderCommit());
      }
      case APPEND_RESPONSE -> {
        AppendResponseProto a = p.getAppendResponse();
        yield new AppendEntriesResponse(from, to, term, a.getIndex(), a.getReject(), a.getRejectHint(),
            a.getRejectHintTerm());
      }
      case HEARTBEAT_REQUEST -> new HeartbeatRequest(from, to, term, p.getHeartbeatRequest().getCommit(),
          p.getHeartbeatRequest().getReadContext());
      case HEARTBEAT_RESPONSE -> new HeartbeatResponse(from, to, term, p.getHeartbeatResponse().getReadContext());
      case INSTALL_SNAPSHOT -> new InstallSnapshotRequest(from, to, term, RaftLogCodec.decode(p.getInstallSnapshot()));
      case INSTALL_SNAPSHOT_RESPONSE_INDEX -> new InstallSnapshotResponse(from, to, term,
          p.getInstallSnapshotResponseIndex());
      case TIMEOUT_NOW -> new TimeoutNowRequest(from, to, term);
      case READ_INDEX_REQUEST_ID -> new ReadIndexRequest(from, to, term, p.getReadIndexRequestId());
      case READ_INDEX_RESPONSE -> new ReadIndexResponse(from, to, term, p.getReadIndexResponse().getRequestId(),
          p.getReadIndexResponse().getIndex());
      case FORWARDED_PROPOSAL, FORWARDED_CONF_CHANGE, LEASE_RENEW, SNAPSHOT_CHUNK, SNAPSHOT_ACK, BODY_NOT_SET -> null;
    };
  }
}
