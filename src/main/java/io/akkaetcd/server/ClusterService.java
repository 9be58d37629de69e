package io.akkaetcd.server;

import io.akkaetcd.api.Cluster;
import io.akkaetcd.api.Member;
import io.akkaetcd.api.MemberAddRequest;
import io.akkaetcd.api.MemberAddResponse;
import io.akkaetcd.api.MemberListRequest;
import io.akkaetcd.api.MemberListResponse;
import io.akkaetcd.api.MemberPromoteRequest;
import io.akkaetcd.api.MemberPromoteResponse;
import io.akkaetcd.api.MemberRemoveRequest;
import io.akkaetcd.api.MemberRemoveResponse;
import io.akkaetcd.api.MemberUpdateRequest;
import io.akkaetcd.api.MemberUpdateResponse;
import io.akkaetcd.api.ResponseHeader;
import io.akkaetcd.grpc.Unimplemented;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** etcdserverpb.Cluster for a single member: lists itself; membership changes arrive with Raft. */
public final class ClusterService implements Cluster {
  private final ResponseHeader header;
  private final Member self;

  public ClusterService(long clusterId, Member self) {
    this.header = ResponseHeader.newBuilder().setClusterId(clusterId).setMemberId(self.getID()).setRaftTerm(1).build();
    this.self = self;
  }

  @Override
  public CompletionStage<MemberListResponse> memberList(MemberListRequest in) {
    return CompletableFuture.completedFuture(
        MemberListResponse.newBuilder().setHeader(header).addMembers(self).build());
  }

  @Override
  public CompletionStage<MemberAddResponse> memberAdd(MemberAddRequest in) {
    return Unimplemented.call("MemberAdd");
  }

  @Override
  public CompletionStage<MemberRemoveResponse> memberRemove(MemberRemoveRequest in) {
    return Unimplemented.call("MemberRemove");
  }

  @Override
  public CompletionStage<MemberUpdateResponse> memberUpdate(MemberUpdateRequest in) {
    return Unimplemented.call("MemberUpdate");
  }

  @Override
  public CompletionStage<MemberPromoteResponse> memberPromote(MemberPromoteRequest in) {
    return Unimplemented.call("MemberPromote");
  }
}
