package io.akkaetcd.discovery;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import io.akkaetcd.cluster.ClusterLayout;
import io.akkaetcd.config.EtcdConfigException;
import io.akkaetcd.config.EtcdFlags;
import io.akkaetcd.config.MemberConfig;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The initial cluster of a member bootstrapped by discovery, as embed.StartEtcd finds it before the
 * server starts: {@code --discovery-srv} from DNS SRV records, {@code --discovery} from a v2 discovery
 * URL (whose URL is then the cluster token, as in etcd), {@code --discovery-endpoints} with
 * {@code --discovery-token} by etcd 3.6's v3 discovery (the token is then the cluster token). A member
 * whose data dir is already initialized skips discovery, as etcd does: its cluster is in its data.
 *
 * <p>SRV lookups (Akka Discovery's DNS) and the v3 discovery client (Akka gRPC) run on a small actor
 * system of their own, local only, stopped before the member's starts.
 */
public final class BootstrapDiscovery {
  private static final Logger log = LoggerFactory.getLogger("embed");
  /** Per SRV query: Akka's resolver tries each name server of resolv.conf in turn within it. */
  private static final java.time.Duration SRV_TIMEOUT = java.time.Duration.ofSeconds(15);

  private BootstrapDiscovery() {}

  /** etcd's ErrConflictBootstrapFlags check and its v3 discovery checks; run before logging is set up, as etcd's Validate. */
  public static void checkFlags(Config c) {
    int set = 0;
    for (String k : List.of("discovery", "initial-cluster", "discovery-srv", "discovery-endpoints")) {
      if (!c.getString(EtcdFlags.keyOf(k)).isEmpty()) set++;
    }
    if (set > 1) {
      boolean v3 = !c.getString(EtcdFlags.keyOf("discovery-endpoints")).isEmpty();
      // etcd 3.4's text, or 3.6's where its flag is one of them
      throw new EtcdConfigException("error verifying flags, multiple discovery or bootstrap flags are set. "
          + "Choose one of \"initial-cluster\", \"discovery\"" + (v3 ? ", \"discovery-endpoints\"" : "")
          + " or \"discovery-srv\". See 'etcd --help'.");
    }
    V3DiscoverySettings.from(c).validate(!c.getString(EtcdFlags.keyOf("discovery-proxy")).isEmpty());
  }

  /** {@code c} as if this member bootstrapped alone: to check every flag before discovery is tried. */
  public static Config withoutDiscovery(Config c) {
    return discovers(c) ? alone(c) : c;
  }

  private static boolean discovers(Config c) {
    for (String k : List.of("discovery-srv", "discovery", "discovery-endpoints")) {
      if (!c.getString(EtcdFlags.keyOf(k)).isEmpty()) return true;
    }
    return false;
  }

  private static Config alone(Config c) {
    String name = c.getString(EtcdFlags.keyOf("name"));
    return c.withValue(EtcdFlags.keyOf("initial-cluster"), ConfigValueFactory.fromAnyRef(
        name + "=" + c.getString(EtcdFlags.keyOf("initial-advertise-peer-urls")).replace(",", "," + name + "=")));
  }

  /** {@code c} with the discovered {@code initial-cluster} (and token), or {@code c} itself without discovery. */
  public static Config resolve(Config c) throws InterruptedException {
    if (!discovers(c)) return c;
    String srv = c.getString(EtcdFlags.keyOf("discovery-srv"));
    String durl = c.getString(EtcdFlags.keyOf("discovery"));
    V3DiscoverySettings v3 = V3DiscoverySettings.from(c);
    // the cluster token: v2's URL, v3's token (etcd's PeerURLsMapAndToken), else the flag's
    String token = !durl.isEmpty() ? durl : !v3.token().isEmpty() ? v3.token() : "";
    String name = c.getString(EtcdFlags.keyOf("name"));
    Config alone = alone(c);
    MemberConfig self = MemberConfig.from(alone);
    if (Files.isDirectory(self.dataDir().resolve("member"))) {
      log.info("the data dir {} is initialized; skipping discovery", self.dataDir());
      return token.isEmpty() ? alone : withToken(alone, token);
    }
    List<URI> apurls = self.initialAdvertisePeerUrls();
    TreeSet<String> mine = new TreeSet<>();
    for (URI u : apurls) mine.add(name + "=" + u);
    String cluster;
    try {
      if (!srv.isEmpty()) {
        try (DiscoverySystem system = DiscoverySystem.start(c)) {
          cluster = SrvDiscovery.initialCluster(new AkkaDnsLookup(system.actorSystem(), SRV_TIMEOUT), srv,
              c.getString(EtcdFlags.keyOf("discovery-srv-name")), name, apurls);
        }
      } else if (!durl.isEmpty()) {
        long id = ClusterLayout.memberId(apurls, durl);
        cluster = V2Discovery.joinCluster(durl, c.getString(EtcdFlags.keyOf("discovery-proxy")), id,
            String.join(",", mine), d -> Thread.sleep(d.toMillis()));
      } else {
        cluster = joinV3(c, v3, ClusterLayout.memberId(apurls, v3.token()), String.join(",", mine));
      }
    } catch (DiscoveryException e) {
      if (e.getMessage().equals(V2Discovery.ERR_FULL_CLUSTER)
          && c.getString(EtcdFlags.keyOf("discovery-fallback")).equals("proxy")) {
        throw new EtcdConfigException("error setting up initial cluster: " + e.getMessage()
            + " (--discovery-fallback=proxy: akka-etcd has no v2 proxy to fall back to; join with member add instead)");
      }
      throw new EtcdConfigException("error setting up initial cluster: " + e.getMessage());
    }
    Config found = c.withValue(EtcdFlags.keyOf("initial-cluster"), ConfigValueFactory.fromAnyRef(cluster));
    return token.isEmpty() ? found : withToken(found, token);
  }

  /** v3discovery.JoinCluster; its failures worded as etcd's DiscoveryError, with etcd's advice logged. */
  private static String joinV3(Config c, V3DiscoverySettings v3, long id, String self)
      throws DiscoveryException, InterruptedException {
    log.info("Bootstrapping cluster using v3 discovery.");
    try (DiscoverySystem system = DiscoverySystem.start(c);
         GrpcDiscoveryRegistry registry = GrpcDiscoveryRegistry.connect(system.actorSystem(), v3)) {
      String cluster = V3Discovery.joinCluster(registry, v3.token(), id, self, d -> Thread.sleep(d.toMillis()));
      log.info("discovery joined cluster successfully: cluster={}", cluster);
      return cluster;
    } catch (DiscoveryException e) {
      log.warn("failed to bootstrap; discovery token was already used: discovery-token={} error={}", v3.token(), e.getMessage());
      log.warn("do not reuse discovery token; generate a new one to bootstrap a cluster");
      throw new DiscoveryException("failed to join discovery cluster (" + e.getMessage() + ")");
    }
  }

  private static Config withToken(Config c, String durl) {
    return c.withValue(EtcdFlags.keyOf("initial-cluster-token"), ConfigValueFactory.fromAnyRef(durl));
  }
}
