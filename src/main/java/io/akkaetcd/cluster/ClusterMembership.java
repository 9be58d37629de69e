package io.akkaetcd.cluster;

import akka.actor.Address;
import akka.actor.AddressFromURIString;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ClusterEvent;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Down;
import akka.cluster.typed.JoinSeedNodes;
import akka.cluster.typed.Subscribe;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.metrics.PeerMetrics;
import io.akkaetcd.raft.Configuration;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * This member's view of the Akka Cluster the members form over their peer transport. Raft alone decides
 * who votes and who belongs to the Raft group; Akka Cluster gives what sits below it:
 * <ul>
 *   <li>the join check ({@link ClusterTokenCheck}) that keeps a node of another cluster out;</li>
 *   <li>reachability from its failure detector: a peer it marks unreachable is reported to Raft, which
 *       stops streaming to it and probes instead (etcd's ReportUnreachable), and shows in /metrics;</li>
 *   <li>the set of nodes, for tooling and for a later proxy tier to join.</li>
 * </ul>
 * Nothing here stops a member: there is no downing provider, so a partition heals by itself and a
 * restarted member rejoins as a new incarnation; only a member that Raft removed is downed.
 */
public final class ClusterMembership {
  public sealed interface Command {}

  private record RaftConfigurationChanged(Configuration configuration) implements Command {}

  private record MembershipChanged(ClusterEvent.MemberEvent event) implements Command {}

  private record ReachabilityChanged(ClusterEvent.ReachabilityEvent event) implements Command {}

  private ClusterMembership() {}

  /** Where {@link #settings} keeps the seed nodes; Akka's own seed-nodes stay empty (see {@link #create}). */
  static final String SEED_NODES_KEY = "akka-etcd.cluster.seed-nodes";

  /**
   * The Akka Cluster settings that depend on the flags: every --initial-cluster peer as a seed node, in
   * one order on every member (so all agree which one may found the cluster); a member joining an
   * existing cluster seeds only from the others, so that it never founds one of its own.
   */
  public static Config settings(ClusterLayout layout, MemberConfig config, long wireClusterId) {
    List<String> seeds = layout.members().values().stream()
        .filter(m -> !"existing".equals(config.initialClusterState()) || m.getID() != layout.memberId())
        .map(m -> PeerTransport.address(URI.create(m.getPeerURLs(0))).toString())
        .sorted().toList();
    return ConfigFactory.parseMap(Map.of(
        "akka.actor.provider", "cluster",
        SEED_NODES_KEY, seeds,
        ClusterTokenCheck.CLUSTER_ID_KEY,
        wireClusterId == PeerAuthentication.UNKNOWN_CLUSTER ? "" : Long.toHexString(wireClusterId)));
  }

  public static Behavior<Command> create(PeerTransport peers, ActorRef<RaftActor.Command> raft, PeerMetrics metrics) {
    return Behaviors.setup(ctx -> {
      Cluster cluster = Cluster.get(ctx.getSystem());
      cluster.subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.MemberEvent.class, MembershipChanged::new), ClusterEvent.MemberEvent.class));
      cluster.subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, ReachabilityChanged::new),
          ClusterEvent.ReachabilityEvent.class));
      raft.tell(new RaftActor.WatchConfiguration(
          ctx.messageAdapter(RaftActor.ConfigurationChanged.class, c -> new RaftConfigurationChanged(c.configuration()))));
      Address self = cluster.selfMember().address();
      List<Address> seeds = ctx.getSystem().settings().config().getStringList(SEED_NODES_KEY).stream()
          .map(AddressFromURIString::parse).toList();
      Configuration[] raftConfiguration = {Configuration.EMPTY};
      boolean[] joined = {false};
      return Behaviors.receive(Command.class)
          .onMessage(MembershipChanged.class, m -> {
            onMembership(ctx, peers, metrics, self, m.event());
            return Behaviors.same();
          })
          .onMessage(ReachabilityChanged.class, r -> {
            onReachability(ctx, peers, raft, metrics, r.event());
            return Behaviors.same();
          })
          .onMessage(RaftConfigurationChanged.class, c -> {
            // The Raft actor answers its first configuration once its log is recovered: only then does
            // this member ask to join, so a node the join check refuses has had its Raft running (and
            // whatever it sends is judged by PeerAuthentication), and a member never joins a cluster
            // it cannot yet take part in.
            if (!joined[0]) {
              joined[0] = true;
              ctx.getLog().info("raft is running; joining the akka cluster through seed nodes {}", seeds);
              cluster.manager().tell(new JoinSeedNodes(seeds));
            }
            for (long id : raftConfiguration[0].members()) {
              if (!c.configuration().contains(id)) {
                downRemoved(ctx, cluster, peers, self, id);
              }
            }
            raftConfiguration[0] = c.configuration();
            return Behaviors.same();
          })
          .build();
    });
  }

  /** A member Raft removed leaves the Akka Cluster too; it does nothing itself (leaving would stop its system). */
  private static void downRemoved(ActorContext<Command> ctx, Cluster cluster, PeerTransport peers, Address self,
      long id) {
    Optional<Address> address = peers.addressOf(id);
    if (address.isPresent() && !address.get().equals(self)) {
      ctx.getLog().info("member {} was removed through Raft; downing {} in the Akka Cluster",
          Long.toHexString(id), address.get());
      cluster.manager().tell(new Down(address.get()));
    }
  }

  private static void onMembership(ActorContext<Command> ctx, PeerTransport peers, PeerMetrics metrics,
      Address self, ClusterEvent.MemberEvent event) {
    Address address = event.member().address();
    if (address.equals(self)) {
      return;
    }
    Optional<Long> id = peers.memberAt(address);
    if (event instanceof ClusterEvent.MemberUp || event instanceof ClusterEvent.MemberWeaklyUp
        || event instanceof ClusterEvent.MemberJoined) {
      id.ifPresent(metrics::connected);
    } else if (event instanceof ClusterEvent.MemberRemoved) {
      id.ifPresent(metrics::disconnected);
    }
    ctx.getLog().info("akka cluster: {} {} (member {})", event.getClass().getSimpleName(), address,
        id.map(Long::toHexString).orElse("unknown"));
  }

  private static void onReachability(ActorContext<Command> ctx, PeerTransport peers,
      ActorRef<RaftActor.Command> raft, PeerMetrics metrics, ClusterEvent.ReachabilityEvent event) {
    Address address = event.member().address();
    Optional<Long> id = peers.memberAt(address);
    if (id.isEmpty()) {
      return;
    }
    if (event instanceof ClusterEvent.UnreachableMember) {
      ctx.getLog().warn("peer {} at {} became unreachable; Raft probes it instead of streaming",
          Long.toHexString(id.get()), address);
      metrics.disconnected(id.get());
      raft.tell(new RaftActor.PeerUnreachable(id.get()));
    } else if (event instanceof ClusterEvent.ReachableMember) {
      ctx.getLog().info("peer {} at {} became reachable again", Long.toHexString(id.get()), address);
      metrics.connected(id.get());
    }
  }
}
