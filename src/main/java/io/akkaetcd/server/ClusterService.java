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
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.raft.ConfChange;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import io.akkaetcd.raft.Configuration;
import io.akkaetcd.store.MemberDirectory;
import java.time.Duration;
import io.akkaetcd.auth.Caller;
import io.akkaetcd.server.auth.AuthGate;
import java.util.function.LongSupplier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * etcdserverpb.Cluster: the members are Raft's voters and learners, described by what each published
 * through Raft (falling back to --initial-cluster for names and peer URLs).
 */
public final class ClusterService implements Cluster {
  private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(10);

  private final ActorRef<RaftActor.Command> raft;
  private final StoreClient store;
  private final Scheduler scheduler;
  private final ClusterLayout layout;
  /** The stored cluster id (a member that joined learns it from the log). */
  private final LongSupplier clusterId;
  private final MemberDirectory directory;
  private final String clusterToken;
  private final AuthGate auth;

  public ClusterService(ActorRef<RaftActor.Command> raft, StoreClient store, Scheduler scheduler,
      ClusterLayout layout, MemberDirectory directory, String clusterToken, LongSupplier clusterId, AuthGate auth) {
    this.auth = auth;
    this.raft = raft;
    this.store = store;
    this.scheduler = scheduler;
    this.layout = layout;
    this.directory = directory;
    this.clusterToken = clusterToken;
    this.clusterId = clusterId;
  }

  @Override
  public CompletionStage<MemberListResponse> memberList(MemberListRequest in) {
    return raftView().thenApply(view -> MemberListResponse.newBuilder()
        .setHeader(header(view))
        .addAllMembers(members(view.status().configuration()))
        .build());
  }

  // etcd's checkMembershipOperationPermission: changing the membership needs the root role.

  public CompletionStage<MemberAddResponse> memberAdd(MemberAddRequest in, Caller caller) {
    auth.checkAdmin(caller);
    return memberAdd(in);
  }

  public CompletionStage<MemberRemoveResponse> memberRemove(MemberRemoveRequest in, Caller caller) {
    auth.checkAdmin(caller);
    return memberRemove(in);
  }

  public CompletionStage<MemberPromoteResponse> memberPromote(MemberPromoteRequest in, Caller caller) {
    auth.checkAdmin(caller);
    return memberPromote(in);
  }

  public CompletionStage<MemberUpdateResponse> memberUpdate(MemberUpdateRequest in, Caller caller) {
    auth.checkAdmin(caller);
    return memberUpdate(in);
  }

  /**
   * Adds a member (or a learner): its peer URLs go through Raft first so every member can reach it,
   * then the configuration change. Its ID is derived from its peer URLs and the cluster token, the same
   * ID the new member computes for itself when it starts with --initial-cluster-state existing.
   */
  @Override
  public CompletionStage<MemberAddResponse> memberAdd(MemberAddRequest in) {
    List<URI> urls = in.getPeerURLsList().stream().map(URI::create).toList();
    return raftView().thenCompose(view -> {
      Configuration conf = view.status().configuration();
      for (long id : all(conf)) {
        Member existing = describe(id, false);
        if (existing.getPeerURLsList().stream().anyMatch(in.getPeerURLsList()::contains)) {
          return failed(EtcdError.PEER_URL_EXIST);
        }
      }
      long id = ClusterLayout.memberId(urls, clusterToken);
      Member added = Member.newBuilder().setID(id).addAllPeerURLs(in.getPeerURLsList()).build();
      ConfChange change = new ConfChange(in.getIsLearner() ? ConfChange.Type.ADD_LEARNER : ConfChange.Type.ADD_VOTER, id);
      return store.propose(InternalRaftRequest.newBuilder().setMemberAttributes(added).build())
          .thenCompose(published -> change(change))
          .thenApply(after -> MemberAddResponse.newBuilder()
              .setHeader(header(after))
              .setMember(added.toBuilder().setIsLearner(in.getIsLearner()))
              .addAllMembers(members(after.status().configuration()))
              .build());
    });
  }

  @Override
  public CompletionStage<MemberRemoveResponse> memberRemove(MemberRemoveRequest in) {
    return raftView().thenCompose(view -> {
      if (!view.status().configuration().contains(in.getID())) {
        return failed(EtcdError.MEMBER_NOT_FOUND);
      }
      return change(new ConfChange(ConfChange.Type.REMOVE_NODE, in.getID()))
          .thenApply(after -> MemberRemoveResponse.newBuilder().setHeader(header(after))
              .addAllMembers(members(after.status().configuration())).build());
    });
  }

  /** etcd promotes a learner only once it has most of the log (90% of the leader's). */
  @Override
  public CompletionStage<MemberPromoteResponse> memberPromote(MemberPromoteRequest in) {
    return raftView().thenCompose(view -> {
      Configuration conf = view.status().configuration();
      if (!conf.contains(in.getID())) {
        return failed(EtcdError.MEMBER_NOT_FOUND);
      }
      if (!conf.isLearner(in.getID())) {
        return failed(EtcdError.MEMBER_NOT_LEARNER);
      }
      Long match = view.status().matchIndex() == null ? null : view.status().matchIndex().get(in.getID());
      if (match != null && match < view.status().commit() * 9 / 10) {
        return failed(EtcdError.LEARNER_NOT_READY);
      }
      return change(new ConfChange(ConfChange.Type.ADD_VOTER, in.getID()))
          .thenApply(after -> MemberPromoteResponse.newBuilder().setHeader(header(after))
              .addAllMembers(members(after.status().configuration())).build());
    });
  }

  /** New peer URLs for a member: published through Raft, so every member redials it there. */
  @Override
  public CompletionStage<MemberUpdateResponse> memberUpdate(MemberUpdateRequest in) {
    return raftView().thenCompose(view -> {
      if (!view.status().configuration().contains(in.getID())) {
        return failed(EtcdError.MEMBER_NOT_FOUND);
      }
      Member updated = describe(in.getID(), false).toBuilder().clearPeerURLs()
          .addAllPeerURLs(in.getPeerURLsList()).clearIsLearner().build();
      return store.propose(InternalRaftRequest.newBuilder().setMemberAttributes(updated).build())
          .thenCompose(done -> raftView())
          .thenApply(after -> MemberUpdateResponse.newBuilder().setHeader(header(after))
              .addAllMembers(members(after.status().configuration())).build());
    });
  }

  private CompletionStage<RaftActor.RaftView> change(ConfChange change) {
    return DirectFutures.direct(AskPattern.<RaftActor.Command, Boolean>ask(raft,
            replyTo -> new RaftActor.ProposeConfChange(change, replyTo), CHANGE_TIMEOUT, scheduler))
        .thenCompose(ok -> ok ? raftView() : failed(EtcdError.UNHEALTHY));
  }

  private CompletionStage<RaftActor.RaftView> raftView() {
    return DirectFutures.direct(AskPattern.ask(raft, RaftActor.GetStatus::new, Duration.ofSeconds(5), scheduler));
  }

  private ResponseHeader header(RaftActor.RaftView view) {
    return ResponseHeader.newBuilder().setClusterId(clusterId.getAsLong()).setMemberId(layout.memberId())
        .setRaftTerm(view.status().term()).build();
  }

  private static List<Long> all(Configuration conf) {
    List<Long> ids = new ArrayList<>(conf.voters());
    ids.addAll(conf.learners());
    return ids;
  }

  private static <T> CompletionStage<T> failed(EtcdError error) {
    return CompletableFuture.failedFuture(error.exception());
  }

  /** Ordered by ID as unsigned numbers, as etcd lists them. */
  private List<Member> members(Configuration conf) {
    List<Member> out = new ArrayList<>();
    conf.voters().forEach(id -> out.add(describe(id, false)));
    conf.learners().forEach(id -> out.add(describe(id, true)));
    out.sort((a, b) -> Long.compareUnsigned(a.getID(), b.getID()));
    return out;
  }

  private Member describe(long id, boolean learner) {
    Member published = directory.get(id);
    Member known = published != null ? published : layout.members().get(id);
    Member.Builder b = known != null ? known.toBuilder() : Member.newBuilder().setID(id);
    return b.setIsLearner(learner).build();
  }




}
