package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.server.EtcdServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * etcd 3.5's /livez and /readyz, which Kubernetes probes (deploy/k8s): a serving member passes both;
 * a member cut off from its quorum is alive (it answers local reads) but not ready.
 */
class HealthProbesTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static String get(String endpoint, String path) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }

  @Test
  void aServingMemberIsLiveAndReady() throws Exception {
    try (TestMember m = TestMember.start()) {
      assertEquals("200 ok\n", get(m.endpoint(), "/livez"));
      assertEquals("200 ok\n", get(m.endpoint(), "/readyz"));
      assertEquals("200 [+]serializable_read ok\n/livez check passed\n", get(m.endpoint(), "/livez?verbose"));
      assertEquals("200 [+]data_corruption ok\n[+]serializable_read ok\n[+]linearizable_read ok\n"
          + "/readyz check passed\n", get(m.endpoint(), "/readyz?verbose"));
      assertEquals("200 [+]linearizable_read excluded: ok\n[+]data_corruption ok\n[+]serializable_read ok\n"
          + "/readyz check passed\n", get(m.endpoint(), "/readyz?verbose&exclude=linearizable_read"));
      assertEquals("200 ok\n", get(m.endpoint(), "/readyz/linearizable_read"));
      assertEquals(404, Integer.parseInt(get(m.endpoint(), "/readyz/nonsense").substring(0, 3)));
    }
  }

  @Test
  void aMemberWithoutQuorumIsLiveButNotReady() throws Exception {
    String peer = "http://127.0.0.1:" + RealEtcd.freePort();
    String absent = "http://127.0.0.1:" + RealEtcd.freePort();
    Config config = ConfigFactory.parseMap(Map.of(
        "akka-etcd.name", "lone",
        "akka-etcd.data-dir", Files.createTempDirectory("akka-etcd-probes").toString(),
        "akka-etcd.listen-client-urls", "http://127.0.0.1:0",
        "akka-etcd.listen-peer-urls", peer,
        "akka-etcd.initial-advertise-peer-urls", peer,
        "akka-etcd.initial-cluster", "lone=" + peer + ",absent=" + absent)).withFallback(ConfigFactory.load());
    try (EtcdServer server = EtcdServer.start(MemberConfig.from(config), config)) {
      String endpoint = "http://127.0.0.1:" + server.clientPort();
      assertEquals("200 ok\n", get(endpoint, "/livez"));
      assertEquals("200 ok\n", get(endpoint, "/readyz?exclude=linearizable_read"));
      String notReady = get(endpoint, "/readyz/linearizable_read");
      assertTrue(notReady.matches("503 \\[-]linearizable_read failed: etcdserver: (no leader|request timed out)\n"
          + "/readyz/linearizable_read check failed\n"), notReady);
    }
  }
}
