package io.akkaetcd.cluster;

import akka.cluster.ConfigValidation;
import akka.cluster.Invalid;
import akka.cluster.JoinConfigCompatChecker;
import akka.cluster.Valid$;
import akka.japi.Util;
import com.typesafe.config.Config;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.immutable.Seq;

/**
 * Akka Cluster's join check for etcd members: where both sides know the cluster ID, a node joins only if
 * its cluster ID is this cluster's (two clusters on the default token whose --initial-cluster lists overlap
 * differ there); otherwise only if its --initial-cluster-token is this cluster's. A member joining an existing cluster does not know the
 * ID yet (see {@link PeerAuthentication}) and is checked on the token alone. Akka runs the check on the
 * seed node for the joining node's settings and on the joining node for the seed's; a refused joiner is
 * shut down by Akka ("incompatible cluster configuration").
 */
public final class ClusterTokenCheck extends JoinConfigCompatChecker {
  static final String TOKEN_KEY = "akka-etcd.initial-cluster-token";
  /** Hex, or empty while unknown; set by {@link ClusterMembership#settings}. */
  static final String CLUSTER_ID_KEY = "akka-etcd.cluster.id";
  private static final Logger log = LoggerFactory.getLogger(ClusterTokenCheck.class);

  @Override
  public Seq<String> requiredKeys() {
    return Util.immutableSeq(List.of(TOKEN_KEY, CLUSTER_ID_KEY));
  }

  @Override
  public ConfigValidation check(Config toCheck, Config actualConfig) {
    String token = value(toCheck, TOKEN_KEY);
    String id = value(toCheck, CLUSTER_ID_KEY);
    String ourToken = value(actualConfig, TOKEN_KEY);
    String ourId = value(actualConfig, CLUSTER_ID_KEY);
    String problem = null;
    boolean idsKnown = !id.isEmpty() && !ourId.isEmpty();
    if (idsKnown && !id.equals(ourId)) {
      problem = "cluster ID " + id + " is not this cluster's " + ourId;
    } else if (!idsKnown && !token.equals(ourToken)) {
      // Where both know the ID it decides alone, as etcd's peers check only the cluster ID: a member added
      // with `member add` learns it from the cluster and may run with another token (etcd's TestIssue6361).
      problem = "initial-cluster-token " + token + " is not this cluster's " + ourToken;
    }
    if (problem == null) {
      return Valid$.MODULE$;
    }
    log.warn("refusing to form an Akka Cluster with a node of another etcd cluster: its {}", problem);
    return Invalid.apply(Util.immutableSeq(List.of("another etcd cluster: " + problem)));
  }

  private static String value(Config config, String key) {
    return config.hasPath(key) ? config.getString(key) : "";
  }
}
