package io.akkaetcd.cluster;

import akka.actor.ActorSystem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.akkaetcd.api.Member;
import io.akkaetcd.api.MemberListRequest;
import io.akkaetcd.api.MemberListResponse;
import io.akkaetcd.config.EtcdConfigException;
import io.akkaetcd.config.MemberConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a brand-new member started with {@code --initial-cluster-state existing} learns who it is, as etcd 3.4's
 * NewServer does (GetClusterFromRemotePeers, then ValidateClusterAndAssignIDs): it asks the other members
 * named in {@code --initial-cluster} for the cluster's members, and takes the ID {@code member add} gave the
 * member whose peer URLs are its own, and the cluster's ID. Its flags cannot give that ID: {@code member add}
 * on the cluster chose it, and the new member's {@code --initial-cluster-token} need not be the cluster's.
 *
 * <p>etcd asks {@code GET <peer URL>/members}; here the peer URL is Artery's, so the question goes over
 * remoting to each member's {@link PeerQuery#MEMBERS} actor ({@code /system/members}): an etcd
 * {@link MemberListRequest}, answered with the member's {@link MemberListResponse} (its header carries the
 * cluster ID). The asking member is not running yet (its ID is what it needs to start), so it asks from a
 * short-lived actor system of its own on a free port.
 */
public final class ExistingCluster {
  private static final Logger log = LoggerFactory.getLogger(ExistingCluster.class);
  /** etcd's per-URL timeout in GetClusterFromRemotePeers. */
  static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);

  private ExistingCluster() {}

  /**
   * Asks the other members of {@code --initial-cluster} (etcd's getRemotePeerURLs: every member but the one
   * of this name) and returns this member's layout in the existing cluster.
   *
   * @param systemConfig the member's actor system config (remoting, peer TLS); the asking system runs it
   *     on a free port
   * @throws EtcdConfigException with etcd's message if no member answers or the answer does not match
   */
  public static ClusterLayout fetch(MemberConfig config, Config systemConfig) {
    List<URI> remotes = new ArrayList<>();
    config.initialCluster().forEach((name, urls) -> {
      if (!name.equals(config.name())) {
        remotes.addAll(urls);
      }
    });
    Config asking = systemConfig
        .withValue("akka.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(0))
        .withValue("akka.remote.artery.bind.port", ConfigValueFactory.fromAnyRef(""));
    ActorSystem system = ActorSystem.create("etcd-join", asking.withFallback(ConfigFactory.load()));
    try {
      // All at once, the first answer wins: a member that cannot be reached (down, or refusing this member's
      // peer certificate) costs one timeout in all, not one each as etcd's sequential GETs would.
      CompletableFuture<MemberListResponse> first = new CompletableFuture<>();
      AtomicInteger pending = new AtomicInteger(remotes.size());
      for (URI url : remotes) {
        PeerQuery.ask(system, url, PeerQuery.MEMBERS, MemberListRequest.getDefaultInstance(), ASK_TIMEOUT)
            .whenComplete((answer, failure) -> {
              if (answer instanceof MemberListResponse members) {
                first.complete(members);
              } else {
                log.warn("failed to get cluster response address={} error={}", url,
                    failure != null ? failure.toString() : "unexpected answer " + answer);
              }
              if (pending.decrementAndGet() == 0) {
                first.completeExceptionally(new IllegalStateException("no member answered"));
              }
            });
      }
      if (remotes.isEmpty()) {
        first.completeExceptionally(new IllegalStateException("no other member in --initial-cluster"));
      }
      try {
        return assignIds(config, first.get(ASK_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS));
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // etcd's error below
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } finally {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("the actor system that asked for the cluster's members did not stop: {}", e.toString());
      }
    }
    throw new EtcdConfigException("cannot fetch cluster info from peer urls: could not retrieve cluster "
        + "information from the given URLs");
  }

  /**
   * etcd's ValidateClusterAndAssignIDs: {@code --initial-cluster} must list as many members as the cluster
   * has, each existing member must match one of them by peer URLs, and each takes that member's ID. This
   * member is the one of its {@code --name}.
   */
  public static ClusterLayout assignIds(MemberConfig config, MemberListResponse existing) {
    Map<String, List<URI>> local = config.initialCluster();
    if (existing.getMembersCount() != local.size()) {
      throw new EtcdConfigException("error validating peerURLs " + describe(existing) + ": member count is unequal");
    }
    Map<Long, Member> members = new LinkedHashMap<>();
    Long self = null;
    for (Member m : existing.getMembersList()) {
      String match = null;
      for (Map.Entry<String, List<URI>> e : local.entrySet()) {
        if (sameUrls(m.getPeerURLsList(), e.getValue())) {
          match = e.getKey();
          break;
        }
      }
      if (match == null) {
        throw new EtcdConfigException("error validating peerURLs " + describe(existing)
            + ": PeerURLs: no match found for existing member (" + Long.toHexString(m.getID()) + ", "
            + m.getPeerURLsList() + ")");
      }
      // A member added but not started yet has no name: it is the one of --initial-cluster it matched.
      Member.Builder known = m.toBuilder().clearIsLearner();
      members.put(m.getID(), (m.getName().isEmpty() ? known.setName(match) : known).build());
      if (match.equals(config.name())) {
        self = m.getID();
      }
    }
    if (self == null) {
      throw new EtcdConfigException("error validating peerURLs " + describe(existing)
          + ": no member of the cluster has the peer URLs of " + config.name());
    }
    long clusterId = existing.getHeader().getClusterId();
    log.info("learned member id {} and cluster id {} from the cluster's members", Long.toHexString(self),
        Long.toHexString(clusterId));
    return new ClusterLayout(self, clusterId, members.get(self), members);
  }

  /** As etcd's netutil.URLStringsEqual, without resolving host names: the same URLs in any order. */
  private static boolean sameUrls(List<String> a, List<URI> b) {
    return a.stream().sorted().toList().equals(b.stream().map(URI::toString).sorted().toList());
  }

  private static String describe(MemberListResponse existing) {
    return "{ClusterID:" + Long.toHexString(existing.getHeader().getClusterId()) + " Members:"
        + existing.getMembersList().stream().map(m -> Long.toHexString(m.getID()) + "=" + m.getPeerURLsList()).toList()
        + "}";
  }
}
