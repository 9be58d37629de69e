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
 * URL (whose URL is then the cluster token, as in etcd). A member whose data dir is already initialized
 * skips discovery, as etcd does: its cluster is in its data.
 */
public final class BootstrapDiscovery {
  private static final Logger log = LoggerFactory.getLogger("embed");

  private BootstrapDiscovery() {}

  /** etcd's ErrConflictBootstrapFlags check; run before logging is set up, as etcd's Validate. */
  public static void checkFlags(Config c) {
    int set = 0;
    for (String k : List.of("discovery", "initial-cluster", "discovery-srv")) {
      if (!c.getString(EtcdFlags.keyOf(k)).isEmpty()) set++;
    }
    if (set > 1) {
      throw new EtcdConfigException("error verifying flags, multiple discovery or bootstrap flags are set. "
          + "Choose one of \"initial-cluster\", \"discovery\" or \"discovery-srv\". See 'etcd --help'.");
    }
  }

  /** {@code c} as if this member bootstrapped alone: to check every flag before discovery is tried. */
  public static Config withoutDiscovery(Config c) {
    if (c.getString(EtcdFlags.keyOf("discovery-srv")).isEmpty() && c.getString(EtcdFlags.keyOf("discovery")).isEmpty()) {
      return c;
    }
    return alone(c);
  }

  private static Config alone(Config c) {
    String name = c.getString(EtcdFlags.keyOf("name"));
    return c.withValue(EtcdFlags.keyOf("initial-cluster"), ConfigValueFactory.fromAnyRef(
        name + "=" + c.getString(EtcdFlags.keyOf("initial-advertise-peer-urls")).replace(",", "," + name + "=")));
  }

  /** {@code c} with the discovered {@code initial-cluster} (and token), or {@code c} itself without discovery. */
  public static Config resolve(Config c) throws InterruptedException {
    String srv = c.getString(EtcdFlags.keyOf("discovery-srv"));
    String durl = c.getString(EtcdFlags.keyOf("discovery"));
    if (srv.isEmpty() && durl.isEmpty()) return c;
    String name = c.getString(EtcdFlags.keyOf("name"));
    Config alone = alone(c);
    MemberConfig self = MemberConfig.from(alone);
    if (Files.isDirectory(self.dataDir().resolve("member"))) {
      log.info("the data dir {} is initialized; skipping discovery", self.dataDir());
      return durl.isEmpty() ? alone : withToken(alone, durl);
    }
    List<URI> apurls = self.initialAdvertisePeerUrls();
    String cluster;
    try {
      if (!srv.isEmpty()) {
        cluster = SrvDiscovery.initialCluster(SrvDiscovery.SYSTEM, srv,
            c.getString(EtcdFlags.keyOf("discovery-srv-name")), name, apurls);
      } else {
        long id = ClusterLayout.memberId(apurls, durl);
        TreeSet<String> mine = new TreeSet<>();
        for (URI u : apurls) mine.add(name + "=" + u);
        cluster = V2Discovery.joinCluster(durl, c.getString(EtcdFlags.keyOf("discovery-proxy")), id,
            String.join(",", mine), d -> Thread.sleep(d.toMillis()));
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
    return durl.isEmpty() ? found : withToken(found, durl);
  }

  private static Config withToken(Config c, String durl) {
    return c.withValue(EtcdFlags.keyOf("initial-cluster-token"), ConfigValueFactory.fromAnyRef(durl));
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
