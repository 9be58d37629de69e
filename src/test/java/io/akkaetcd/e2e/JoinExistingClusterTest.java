package io.akkaetcd.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.cluster.ClusterLayout;
import io.akkaetcd.config.EtcdConfigException;
import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.server.EtcdServer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A member started with {@code --initial-cluster-state existing} takes the ID {@code member add} gave it from
 * the cluster, as etcd 3.4 does (etcd's e2e TestIssue6361): here the cluster was made with the token "new" and
 * the new member runs with the default token, so its flags would derive another ID.
 */
class JoinExistingClusterTest {

  private static Config config(Path dataDir, String name, int peerPort, String initialCluster, String state,
      String token) {
    Map<String, Object> s = new HashMap<>();
    s.put("akka-etcd.name", name);
    s.put("akka-etcd.data-dir", dataDir.toString());
    s.put("akka-etcd.listen-client-urls", "http://127.0.0.1:0");
    s.put("akka-etcd.listen-peer-urls", "http://127.0.0.1:" + peerPort);
    s.put("akka-etcd.initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort);
    s.put("akka-etcd.initial-cluster", initialCluster);
    s.put("akka-etcd.initial-cluster-state", state);
    if (token != null) {
      s.put("akka-etcd.initial-cluster-token", token);
    }
    return ConfigFactory.parseMap(s).withFallback(ConfigFactory.load());
  }

  private static EtcdServer started(Config c) throws Exception {
    EtcdServer server = EtcdServer.start(MemberConfig.from(c), c);
    server.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
    return server;
  }

  @Test
  void aJoiningMemberTakesTheIdMemberAddGaveItAndItsClusterId() throws Exception {
    Path root = Files.createTempDirectory("akka-etcd-join");
    int[] ports = {RealEtcd.freePort(), RealEtcd.freePort(), RealEtcd.freePort()};
    String first = "infra1=http://127.0.0.1:" + ports[0];
    String second = first + ",infra2=http://127.0.0.1:" + ports[1];
    try (EtcdServer founder = started(config(root.resolve("1"), "infra1", ports[0], first, "new", "new"));
        Client client = Client.builder().endpoints("http://127.0.0.1:" + founder.clientPort()).build()) {
      client.getKVClient().put(ByteSequence.from("k", UTF_8), ByteSequence.from("v", UTF_8)).get(10, TimeUnit.SECONDS);
      long added = client.getClusterClient().addMember(List.of(URI.create("http://127.0.0.1:" + ports[1])))
          .get(20, TimeUnit.SECONDS).getMember().getId();

      Config joining = config(root.resolve("2"), "infra2", ports[1], second, "existing", null);
      assertNotEquals(added, ClusterLayout.of(MemberConfig.from(joining)).memberId(),
          "the flags (default token) would derive another member id");
      try (EtcdServer joined = started(joining)) {
        assertEquals(added, joined.memberId());
        assertEquals(founder.clusterId(), joined.clusterId());
      }
      // A restart reads the stored identity back and asks nobody.
      try (EtcdServer again = started(joining);
          Client c = Client.builder().endpoints("http://127.0.0.1:" + again.clientPort()).build()) {
        assertEquals(added, again.memberId());
        var got = c.getKVClient().get(ByteSequence.from("k", UTF_8), GetOption.newBuilder()
            .withSerializable(true).build()).get(10, TimeUnit.SECONDS);
        assertEquals(1, got.getCount(), "the joined member holds the cluster's key");
        assertEquals(founder.clusterId(), got.getHeader().getClusterId());
        assertEquals(added, got.getHeader().getMemberId());
      }

      // A member the cluster does not know by its peer URLs is refused with etcd's message, and stores no id.
      Path strayDir = root.resolve("3");
      Config stray = config(strayDir, "infra3", ports[2], second.replace("infra2", "infra3").replace(
          ":" + ports[1], ":" + ports[2]), "existing", null);
      EtcdConfigException refused = assertThrows(EtcdConfigException.class,
          () -> EtcdServer.start(MemberConfig.from(stray), stray));
      assertTrue(refused.getMessage().contains("error validating peerURLs")
          && refused.getMessage().contains("PeerURLs: no match found for existing member"), refused.getMessage());
      assertFalse(Files.exists(strayDir.resolve("member").resolve("raft-journal")), "no log was started");
    } finally {
      try (Stream<Path> files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
