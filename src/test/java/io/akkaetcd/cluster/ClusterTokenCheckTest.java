package io.akkaetcd.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import akka.cluster.Invalid;
import akka.cluster.Valid$;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.config.MemberConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Akka Cluster join check and seed nodes derived from etcd's flags. */
class ClusterTokenCheckTest {
  private final ClusterTokenCheck check = new ClusterTokenCheck();

  private static Config node(String token, String clusterId) {
    return ConfigFactory.parseMap(Map.of(ClusterTokenCheck.TOKEN_KEY, token, ClusterTokenCheck.CLUSTER_ID_KEY, clusterId));
  }

  @Test
  void aNodeOfThisClusterJoins() {
    assertEquals(Valid$.MODULE$, check.check(node("t", "5eed"), node("t", "5eed")));
  }

  @Test
  void anotherTokenWithThisClusterIdJoins() {
    // a member added with `member add` learned the ID from the cluster; its token need not be the cluster's
    assertEquals(Valid$.MODULE$, check.check(node("other", "5eed"), node("t", "5eed")));
  }

  @Test
  void theSameTokenWithAnotherClusterIdIsRefused() {
    assertInstanceOf(Invalid.class, check.check(node("t", "f00d"), node("t", "5eed")));
  }

  @Test
  void aJoinerThatDoesNotKnowTheClusterIdYetIsCheckedOnTheToken() {
    assertEquals(Valid$.MODULE$, check.check(node("t", ""), node("t", "5eed")));
    assertEquals(Valid$.MODULE$, check.check(node("t", "5eed"), node("t", "")));
    assertInstanceOf(Invalid.class, check.check(node("other", ""), node("t", "5eed")));
  }

  private static MemberConfig member(String name, String state) {
    Config c = ConfigFactory.parseMap(Map.of(
        "akka-etcd.name", name,
        "akka-etcd.initial-advertise-peer-urls", "http://127.0.0.1:" + (name.equals("b") ? 2402 : 2401),
        "akka-etcd.listen-peer-urls", "http://127.0.0.1:" + (name.equals("b") ? 2402 : 2401),
        "akka-etcd.initial-cluster", "b=http://127.0.0.1:2402,a=http://127.0.0.1:2401",
        "akka-etcd.initial-cluster-state", state)).withFallback(ConfigFactory.load());
    return MemberConfig.from(c);
  }

  @Test
  void seedNodesAreTheInitialClusterInOneOrderAndAJoinerSeedsOnlyFromTheOthers() {
    MemberConfig fresh = member("b", "new");
    Config settings = ClusterMembership.settings(ClusterLayout.of(fresh), fresh, 0x5eed);
    assertEquals(List.of("akka://etcd@127.0.0.1:2401", "akka://etcd@127.0.0.1:2402"),
        settings.getStringList(ClusterMembership.SEED_NODES_KEY));
    assertEquals("cluster", settings.getString("akka.actor.provider"));
    assertEquals("5eed", settings.getString(ClusterTokenCheck.CLUSTER_ID_KEY));

    MemberConfig joiner = member("b", "existing");
    Config joining = ClusterMembership.settings(ClusterLayout.of(joiner), joiner, PeerAuthentication.UNKNOWN_CLUSTER);
    assertEquals(List.of("akka://etcd@127.0.0.1:2401"), joining.getStringList(ClusterMembership.SEED_NODES_KEY));
    assertEquals("", joining.getString(ClusterTokenCheck.CLUSTER_ID_KEY));
  }
}
