package io.akkaetcd.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.cluster.ClusterLayout;
import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.server.EtcdServer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Member and cluster ids are decided at bootstrap and kept in the backend: a restart with other
 * --initial-cluster flags (which would derive other ids) reports the ids it was bootstrapped with,
 * as etcd does once it has data.
 */
class IdentityRestartTest {

  private static Config config(Path dataDir, int peerPort, String initialCluster, String token) {
    Map<String, Object> s = new HashMap<>();
    s.put("akka-etcd.name", "m");
    s.put("akka-etcd.data-dir", dataDir.toString());
    s.put("akka-etcd.listen-client-urls", "http://127.0.0.1:0");
    s.put("akka-etcd.listen-peer-urls", "http://127.0.0.1:" + peerPort);
    s.put("akka-etcd.initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort);
    s.put("akka-etcd.initial-cluster", initialCluster);
    s.put("akka-etcd.initial-cluster-token", token);
    return ConfigFactory.parseMap(s).withFallback(ConfigFactory.load());
  }

  private static long putClusterId(EtcdServer server) throws Exception {
    try (Client c = Client.builder().endpoints("http://127.0.0.1:" + server.clientPort()).build()) {
      return c.getKVClient().put(ByteSequence.from("k", UTF_8), ByteSequence.from("v", UTF_8))
          .get(10, TimeUnit.SECONDS).getHeader().getClusterId();
    }
  }

  @Test
  void restartWithOtherInitialClusterFlagsKeepsTheBootstrapIds() throws Exception {
    Path root = Files.createTempDirectory("akka-etcd-identity");
    int peerPort = RealEtcd.freePort();
    String self = "m=http://127.0.0.1:" + peerPort;
    try {
      Config first = config(root, peerPort, self, "token-a");
      long memberId;
      long clusterId;
      try (EtcdServer server = EtcdServer.start(MemberConfig.from(first), first)) {
        server.ready().toCompletableFuture().get(30, TimeUnit.SECONDS);
        memberId = server.memberId();
        clusterId = server.clusterId();
        assertEquals(clusterId, putClusterId(server));
      }

      Config second = config(root, peerPort, self + ",other=http://127.0.0.1:1", "token-b");
      ClusterLayout fromFlags = ClusterLayout.of(MemberConfig.from(second));
      assertNotEquals(memberId, fromFlags.memberId(), "the new flags would derive another member id");
      assertNotEquals(clusterId, fromFlags.clusterId(), "and another cluster id");
      try (EtcdServer server = EtcdServer.start(MemberConfig.from(second), second)) {
        server.ready().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(memberId, server.memberId());
        assertEquals(clusterId, server.clusterId());
        assertEquals(clusterId, putClusterId(server), "clients see the bootstrap cluster id");
      }
    } finally {
      try (Stream<Path> files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
