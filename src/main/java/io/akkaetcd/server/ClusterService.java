package io.akkaetcd.server;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
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
import io.akkaetcd.cluster.ClusterLayout;
import io.akkaetcd.cluster.RaftActor;
import io.akkaetcd.concurrent.DirectFutures;
import io.akkaetcd.grpc.Unimplemented;
import io.akkaetcd.raft.Configuration;
import io.akkaetcd.store.MemberDirectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * etcdserverpb.Cluster: the members are Raft's voters and learners, described by what each published
 * through Raft (falling back to --initial-cluster for names and peer URLs).
 */
public final class ClusterService implements Cluster {
  private final ActorRef<RaftActor.Command> raft;
  private final Scheduler scheduler;
  private final ClusterLayout layout;
  private final MemberDirectory directory;

  public ClusterService(ActorRef<RaftActor.Command> raft, Scheduler scheduler, ClusterLayout layout,
      MemberDirectory directory) {
    this.raft = raft;
    this.scheduler = scheduler;
    this.layout = layout;
    this.directory = directory;
  }

  @Override
  public CompletionStage<MemberListResponse> memberList(MemberListRequest in) {
    return DirectFutures.direct(AskPattern.ask(raft, RaftActor.GetStatus::new, Duration.ofSeconds(5), scheduler))
        .thenApply(view -> MemberListResponse.newBuilder()
            .setHeader(ResponseHeader.newBuilder().setClusterId(layout.clusterId())
                .setMemberId(layout.memberId()).setRaftTerm(view.status().term()))
            .addAllMembers(members(view.status().configuration()))
            .build());
  }

  private List<Member> members(Configuration conf) {
    List<Member> out = new ArrayList<>();
    conf.voters().forEach(id -> out.add(describe(id, false)));
    conf.learners().forEach(id -> out.add(describe(id, true)));
    return out;
  }

  private Member describe(long id, boolean learner) {
    Member published = directory.get(id);
    Member known = published != null ? published : layout.members().get(id);
    Member.Builder b = known != null ? known.toBuilder() : Member.newBuilder().setID(id);
    return b.setIsLearner(learner).build();
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
