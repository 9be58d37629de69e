package io.akkaetcd.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MemberConfigTest {

  static MemberConfig member(Map<String, String> env, String... args) {
    return MemberConfig.from(EtcdFlags.parse(args, env).withFallback(ConfigFactory.load()));
  }

  static MemberConfig member(String... args) {
    return member(Map.of(), args);
  }

  static List<URI> uris(String... s) {
    return java.util.Arrays.stream(s).map(URI::create).toList();
  }

  @Test
  void defaultsAreEtcds() {
    MemberConfig m = member();
    assertEquals("default", m.name());
    assertEquals(Path.of("default.etcd"), m.dataDir());
    assertEquals(uris("http://localhost:2379"), m.listenClientUrls());
    assertEquals(uris("http://localhost:2379"), m.advertiseClientUrls());
    assertEquals(uris("http://localhost:2380"), m.listenPeerUrls());
    assertEquals(uris("http://localhost:2380"), m.initialAdvertisePeerUrls());
    assertEquals(new LinkedHashMap<>(Map.of("default", uris("http://localhost:2380"))), m.initialCluster());
    assertEquals("new", m.initialClusterState());
    assertEquals("etcd-cluster", m.initialClusterToken());
    assertEquals(100, m.heartbeatIntervalMs());
    assertEquals(1000, m.electionTimeoutMs());
    assertEquals(100000, m.snapshotCount());
    assertEquals(2147483648L, m.quotaBackendBytes());
    assertEquals(1572864, m.maxRequestBytes());
    assertEquals(128, m.maxTxnOps());
    assertEquals("periodic", m.autoCompactionMode());
    assertEquals("0", m.autoCompactionRetention());
    assertEquals("info", m.logLevel());
  }

  @Test
  void nameDrivesDataDirAndInitialCluster() {
    MemberConfig m = member("--name=infra0", "--initial-advertise-peer-urls=http://10.0.1.10:2380,http://10.0.1.11:2380");
    assertEquals(Path.of("infra0.etcd"), m.dataDir());
    assertEquals(List.of("infra0"), List.copyOf(m.initialCluster().keySet()));
    assertEquals(uris("http://10.0.1.10:2380", "http://10.0.1.11:2380"), m.initialCluster().get("infra0"));
    assertEquals(Path.of("/d"), member("--name=infra0", "--data-dir=/d").dataDir());
  }

  @Test
  void everyValueReachesTheRecord() {
    MemberConfig m = member(Map.of("ETCD_SNAPSHOT_COUNT", "5000", "ETCD_LOG_LEVEL", "warn"),
        "--name=b", "--data-dir=/var/lib/etcd",
        "--listen-client-urls", "http://127.0.0.1:2379, https://127.0.0.1:3379",
        "--advertise-client-urls=http://127.0.0.1:2379",
        "--listen-peer-urls=http://127.0.0.1:2380",
        "--initial-advertise-peer-urls=http://127.0.0.1:2480",
        "--initial-cluster=a=http://127.0.0.1:2380,b=http://127.0.0.1:2480,c=http://127.0.0.1:2580",
        "--initial-cluster-state=existing", "--initial-cluster-token=t",
        "--heartbeat-interval=50", "--election-timeout=250", "--quota-backend-bytes=1024",
        "--max-request-bytes=10", "--max-txn-ops=3", "--auto-compaction-mode=revision",
        "--auto-compaction-retention=1000", "--max-concurrent-streams=7");
    assertEquals(uris("http://127.0.0.1:2379", "https://127.0.0.1:3379"), m.listenClientUrls());
    assertEquals(List.of("a", "b", "c"), List.copyOf(m.initialCluster().keySet()));
    assertEquals(uris("http://127.0.0.1:2580"), m.initialCluster().get("c"));
    assertEquals(new MemberConfig("b", Path.of("/var/lib/etcd"), m.listenClientUrls(), uris("http://127.0.0.1:2379"),
        uris("http://127.0.0.1:2380"), uris("http://127.0.0.1:2480"), m.initialCluster(), "existing", "t",
        50, 250, 5000, 1024, 10, 3, 7, "basic", List.of(), Set.of("*"), false, "revision", "1000", "warn"), m);
  }

  @Test
  void aNameTwiceCollectsItsUrls() {
    assertEquals(Map.of("a", uris("http://x:1", "http://x:2"), "b", uris("http://y:2")),
        MemberConfig.parseInitialCluster("a=http://x:1,b=http://y:2,a=http://x:2"));
  }

  // arguments | etcd's message (exit 1)
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      --election-timeout=400 | error verifying flags, --election-timeout[400ms] should be at least as 5 times as --heartbeat-interval[100ms]. See 'etcd --help'.
      --election-timeout=499 | error verifying flags, --election-timeout[499ms] should be at least as 5 times as --heartbeat-interval[100ms]. See 'etcd --help'.
      --heartbeat-interval=0 | error verifying flags, --heartbeat-interval must be >0 (set to 0ms). See 'etcd --help'.
      --election-timeout=60000 | error verifying flags, --election-timeout[60000ms] is too long, and should be set less than 50000ms. See 'etcd --help'.
      --auto-compaction-mode=bogus | error verifying flags, unknown auto-compaction-mode "bogus". See 'etcd --help'.
      --auto-compaction-retention=abc | error parsing CompactionRetention: time: invalid duration "abc"
      --auto-compaction-retention=-1 | error parsing CompactionRetention: time: missing unit in duration "-1"
      --auto-compaction-retention=5x | error parsing CompactionRetention: time: unknown unit "x" in duration "5x"
      --initial-cluster=foo=http://localhost:2380 | couldn't find local name "default" in the initial cluster configuration
      --name=n1 --initial-cluster=default=http://localhost:2380 | couldn't find local name "n1" in the initial cluster configuration
      --initial-cluster=default=http://127.0.0.1:23801 --initial-advertise-peer-urls=http://127.0.0.1:23800 | --initial-cluster has default=http://127.0.0.1:23801 but missing from --initial-advertise-peer-urls=http://127.0.0.1:23800 (resolved urls: "http://127.0.0.1:23800" != "http://127.0.0.1:23801")
      --initial-cluster=default=http://127.0.0.1:23800,default=http://127.0.0.1:23801 --initial-advertise-peer-urls=http://127.0.0.1:23800 | --initial-cluster has default=http://127.0.0.1:23801 but missing from --initial-advertise-peer-urls=http://127.0.0.1:23800 (len(["http://127.0.0.1:23800"]) != len(["http://127.0.0.1:23800" "http://127.0.0.1:23801"]))
      --initial-cluster=default=http://127.0.0.1:23800,b=http://127.0.0.1:23800 --initial-advertise-peer-urls=http://127.0.0.1:23800 | initial cluster b=http://127.0.0.1:23800,default=http://127.0.0.1:23800 has duplicate url
      --initial-cluster=default=127.0.0.1:23800 | error setting up initial cluster: parse "127.0.0.1:23800": first path segment in URL cannot contain colon
      --initial-cluster=default | 'error setting up initial cluster: URL scheme must be http, https, unix, or unixs: '
      --log-level=bogus | error verifying flags, unknown log-level "bogus", only supports debug, info, warn, error, panic, or fatal. See 'etcd --help'.
      """)
  void invalidConfigurationsFailAsEtcdDoes(String args, String message) {
    EtcdConfigException e = assertThrows(EtcdConfigException.class, () -> member(args.split(" ")));
    assertEquals(message, e.getMessage());
    assertEquals(1, e.exitCode());
  }

  @ParameterizedTest
  @CsvSource({"0", "12", "+3", "1h", "30m", "1.5h", "2h45m", "100ms"})
  void retentionAcceptsHoursOrDurations(String retention) {
    assertEquals(retention, member("--auto-compaction-retention=" + retention).autoCompactionRetention());
  }

  @Test
  void invalidValuesInTheConfigFileAreReportedByKey() {
    var c = ConfigFactory.parseMap(Map.of("akka-etcd.listen-client-urls", "127.0.0.1:2379",
        "akka-etcd.initial-cluster-state", "new")).withFallback(ConfigFactory.load());
    EtcdConfigException e = assertThrows(EtcdConfigException.class, () -> MemberConfig.from(c));
    assertEquals("error verifying flags, invalid value \"127.0.0.1:2379\" for akka-etcd.listen-client-urls: "
        + "parse \"127.0.0.1:2379\": first path segment in URL cannot contain colon. See 'etcd --help'.", e.getMessage());
    var s = ConfigFactory.parseMap(Map.of("akka-etcd.initial-cluster-state", "bogus")).withFallback(ConfigFactory.load());
    assertEquals("error verifying flags, invalid value \"bogus\" for akka-etcd.initial-cluster-state: invalid value. See 'etcd --help'.",
        assertThrows(EtcdConfigException.class, () -> MemberConfig.from(s)).getMessage());
  }

  @Test
  void initialClusterIsACopy() {
    MemberConfig m = member();
    m.initialCluster().clear();
    assertEquals(1, m.initialCluster().size());
  }
}
