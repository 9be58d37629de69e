package io.akkaetcd.e2e;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.server.EtcdServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** One member in this JVM on 127.0.0.1, on a free port, over a temporary data dir it deletes on close. */
final class TestMember implements AutoCloseable {
  private final Path dataDir;
  private final Map<String, Object> overrides;
  private EtcdServer server;

  private TestMember(Path dataDir, Map<String, Object> overrides) {
    this.dataDir = dataDir;
    this.overrides = overrides;
  }

  static TestMember start() {
    return start(Map.of());
  }

  static TestMember start(Map<String, Object> extraSettings) {
    try {
      Path dir = Files.createTempDirectory("akka-etcd-test");
      Map<String, Object> settings = new HashMap<>(extraSettings);
      settings.put("akka-etcd.data-dir", dir.toString());
      String peer = "http://127.0.0.1:" + RealEtcd.freePort();
      settings.putIfAbsent("akka-etcd.listen-client-urls", "http://127.0.0.1:0");
      settings.putIfAbsent("akka-etcd.listen-peer-urls", peer);
      settings.putIfAbsent("akka-etcd.initial-advertise-peer-urls", peer);
      settings.putIfAbsent("akka-etcd.initial-cluster", "default=" + peer);
      TestMember member = new TestMember(dir, settings);
      member.boot();
      return member;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void boot() {
    Config config = ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load());
    try {
      server = EtcdServer.start(MemberConfig.from(config), config);
      server.ready().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("member failed to start", e);
    }
  }

  /** Stops the member and starts it again over the same data dir (a clean restart). */
  void restart() throws Exception {
    server.close();
    boot();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.clientPort();
  }

  int port() {
    return server.clientPort();
  }

  EtcdServer server() {
    return server;
  }

  @Override
  public void close() throws Exception {
    try {
      server.close();
    } finally {
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
