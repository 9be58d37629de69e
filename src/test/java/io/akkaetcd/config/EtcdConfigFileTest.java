package io.akkaetcd.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --config-file}: etcd 3.4's YAML keys onto the flags' config keys; bad files refused as real etcd refuses them. */
class EtcdConfigFileTest {
  @TempDir Path dir;

  private Path file(String yaml) throws Exception {
    Path f = Files.createTempFile(dir, "etcd", ".yml");
    Files.writeString(f, yaml);
    return f;
  }

  private Config load(Path f, Map<String, String> env, String... flags) {
    String[] args = new String[flags.length + 2];
    args[0] = "--config-file";
    args[1] = f.toString();
    System.arraycopy(flags, 0, args, 2, flags.length);
    LaunchRequest r = EtcdFlags.request(args, env);
    return assertInstanceOf(LaunchRequest.Run.class, r, () -> "expected a run, got " + r).overrides()
        .withFallback(ConfigFactory.load());
  }

  @Test
  void theSampleKeysSetTheFlagsTheyName() throws Exception {
    Path f = file("""
        name: 'infra1'
        data-dir: /var/lib/etcd
        wal-dir:
        snapshot-count: 10000
        heartbeat-interval: 200
        election-timeout: 2000
        listen-peer-urls: https://127.0.0.1:2380
        listen-client-urls: https://127.0.0.1:2379,http://127.0.0.1:22379
        initial-advertise-peer-urls: https://127.0.0.1:2380
        advertise-client-urls: https://127.0.0.1:2379
        initial-cluster: infra1=https://127.0.0.1:2380,infra2=https://127.0.0.2:2380
        initial-cluster-token: 'tok'
        initial-cluster-state: 'existing'
        grpc-keepalive-timeout: 20000000000
        proxy: 'off'
        proxy-failure-wait: 5000
        client-transport-security:
          cert-file: /etc/etcd/server.crt
          key-file: /etc/etcd/server.key
          client-cert-auth: true
          trusted-ca-file: /etc/etcd/ca.crt
          auto-tls: false
        peer-transport-security:
          cert-file: /etc/etcd/peer.crt
          key-file: /etc/etcd/peer.key
          client-cert-auth: true
          trusted-ca-file: /etc/etcd/peer-ca.crt
        log-outputs: [stderr]
        cipher-suites: [
          TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
          TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
        ]
        auto-compaction-retention: "1"
        tls-min-version: 'TLS1.2'
        """);
    // flags and variables beside a file are ignored, as etcd ignores them
    Config c = load(f, Map.of("ETCD_NAME", "from-env", "ETCD_HEARTBEAT_INTERVAL", "7"), "--name", "from-flag");
    MemberConfig m = MemberConfig.from(c);
    assertEquals("infra1", m.name());
    assertEquals(Path.of("/var/lib/etcd"), m.dataDir());
    assertEquals(200, m.heartbeatIntervalMs());
    assertEquals(2000, m.electionTimeoutMs());
    assertEquals(10000, m.snapshotCount());
    assertEquals("existing", m.initialClusterState());
    assertEquals("tok", m.initialClusterToken());
    assertEquals(2, m.initialCluster().size());
    assertEquals("[https://127.0.0.1:2379, http://127.0.0.1:22379]", m.listenClientUrls().toString());
    assertEquals("/etc/etcd/server.crt", c.getString("akka-etcd.cert-file"));
    assertEquals("/etc/etcd/server.key", c.getString("akka-etcd.key-file"));
    assertTrue(c.getBoolean("akka-etcd.client-cert-auth"));
    assertEquals("/etc/etcd/ca.crt", c.getString("akka-etcd.trusted-ca-file"));
    assertEquals("/etc/etcd/peer.crt", c.getString("akka-etcd.peer-cert-file"));
    assertEquals("/etc/etcd/peer.key", c.getString("akka-etcd.peer-key-file"));
    assertTrue(c.getBoolean("akka-etcd.peer-client-cert-auth"));
    assertEquals("/etc/etcd/peer-ca.crt", c.getString("akka-etcd.peer-trusted-ca-file"));
    assertEquals("stderr", c.getString("akka-etcd.log-outputs"));
    assertEquals("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        c.getString("akka-etcd.cipher-suites"));
    assertEquals(20_000_000_000L, EtcdFlags.goDurationNanos(c.getString("akka-etcd.grpc-keepalive-timeout")));
    // the proxy keys at their defaults and the empty wal-dir pass the not-served check
    assertTrue(EtcdFlags.refuseNotServed(c, java.util.Set.of()).isEmpty());
  }

  @Test
  void whatTheFileLeavesOutTakesEmbedNewConfigsDefaults() throws Exception {
    Config c = load(file("name: infra1\n"), Map.of());
    // the initial cluster is not derived from the name, unlike the flags: etcd then cannot find itself
    assertEquals("default=http://localhost:2380", c.getString("akka-etcd.initial-cluster"));
    assertEquals("capnslog", c.getString("akka-etcd.logger"));
    EtcdConfigException e = org.junit.jupiter.api.Assertions.assertThrows(EtcdConfigException.class, () -> MemberConfig.from(c));
    assertEquals("couldn't find local name \"infra1\" in the initial cluster configuration", e.getMessage());

    Config discovery = load(file("name: infra1\ndiscovery-srv: example.com\n"), Map.of());
    assertEquals("", discovery.getString("akka-etcd.initial-cluster"));
  }

  @Test
  void theFileComesFromEtcdConfigFileToo() throws Exception {
    Path f = file("name: from-file\n");
    LaunchRequest r = EtcdFlags.request(new String[0], Map.of("ETCD_CONFIG_FILE", f.toString(), "ETCD_NAME", "env"));
    Config c = assertInstanceOf(LaunchRequest.Run.class, r).overrides();
    assertEquals("from-file", c.getString("akka-etcd.name"));
    assertFalse(((LaunchRequest.Run) r).notices().isEmpty());
  }

  /** Each file is given to real etcd 3.4 as well: the same exit code, and its error text in ours. */
  @ParameterizedTest
  @ValueSource(strings = {
      "@missing",
      "name: [a\n",
      "- a\n- b\n",
      "heartbeat-interval: abc\n",
      "heartbeat-interval: -1\n",
      "snapshot-count: 1.5\n",
      "max-concurrent-streams: 4294967296\n",
      "grpc-keepalive-min-time: 5s\n",
      "enable-v2: \"x\"\n",
      "log-outputs: stderr\n",
      "cipher-suites: abc\n",
      "client-transport-security:\n  cert-file: [1]\n",
      "peer-transport-security:\n  client-cert-auth: 1\n",
      "initial-cluster-state: foo\n",
      "listen-client-urls: \"ftp://x\"\n",
      "advertise-client-urls: \"http://x\"\n",
      "election-timeout: 10\n",
  })
  void badFilesAreRefusedAsEtcdRefusesThem(String yaml) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/etcd")), "real etcd 3.4 (apt-get install etcd-server)");
    Path f = yaml.equals("@missing") ? dir.resolve("missing.yml") : file(yaml);
    Process p = new ProcessBuilder("/usr/bin/etcd", "--config-file", f.toString()).directory(dir.toFile())
        .redirectErrorStream(true).start();
    String etcdOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    int etcdExit = p.exitValue();
    // the last line is the error: "... E | etcdmain: error verifying flags, ..." or a bare message
    String[] lines = etcdOut.strip().split("\n");
    String etcdError = lines[lines.length - 1].replaceFirst("^.* E \\| etcdmain: ", "");

    String ours;
    int ourExit;
    LaunchRequest r = EtcdFlags.request(new String[] {"--config-file", f.toString()}, Map.of());
    if (r instanceof LaunchRequest.Fail fail) {
      ours = fail.message();
      ourExit = fail.exitCode();
    } else {
      try {
        Config c = assertInstanceOf(LaunchRequest.Run.class, r).overrides().withFallback(ConfigFactory.load());
        EtcdFlags.refuseNotServed(c);
        MemberConfig.from(c);
        ours = "started";
        ourExit = 0;
      } catch (EtcdConfigException e) {
        ours = e.getMessage();
        ourExit = e.exitCode();
      }
    }
    assertEquals(etcdExit, ourExit, "etcd: " + etcdOut + "\nours: " + ours);
    if (yaml.startsWith("name: [")) {
      // the YAML parser's own words differ (go-yaml vs SnakeYAML); the frame and the line are etcd's
      assertTrue(ours.startsWith("error verifying flags, error converting YAML to JSON: yaml: line 1: "), ours);
    } else {
      assertEquals(etcdError, ours);
    }
  }
}
