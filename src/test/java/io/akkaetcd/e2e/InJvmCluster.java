package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.server.EtcdServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Members as actor systems in this JVM (infra0..), talking over Artery on loopback: peer ports picked free,
 * client ports bound to 0. Started and ready on construction; closing stops them and deletes their data dirs.
 * A peer port taken by another process between being picked and being bound starts the whole cluster again
 * on fresh ports (the peer ports make the cluster's identity), up to three times.
 */
final class InJvmCluster implements AutoCloseable {
  final List<EtcdServer> members = new ArrayList<>();
  private final List<Config> configs = new ArrayList<>();
  private final Path root;

  /** {@code settings}: more akka-etcd settings for every member (e.g. {@code akka-etcd.auth-token}). */
  InJvmCluster(int size, Map<String, Object> settings) throws Exception {
    root = Files.createTempDirectory("akka-etcd-cluster");
    for (int attempt = 1; ; attempt++) {
      try {
        startAll(size, settings);
        break;
      } catch (Exception e) {
        closeMembers();
        if (attempt == 3 || !addressInUse(e)) {
          deleteTree();
          throw e;
        }
        deleteTree();
        Files.createDirectories(root);
      }
    }
  }

  private void startAll(int size, Map<String, Object> settings) throws Exception {
    configs.clear();
    int[] peerPorts = new int[size];
    StringBuilder initialCluster = new StringBuilder();
    for (int i = 0; i < size; i++) {
      peerPorts[i] = RealEtcd.freePort();
      initialCluster.append(i == 0 ? "" : ",").append("infra").append(i).append("=http://127.0.0.1:")
          .append(peerPorts[i]);
    }
    for (int i = 0; i < size; i++) {
      Map<String, Object> s = new HashMap<>(settings);
      s.put("akka-etcd.name", "infra" + i);
      s.put("akka-etcd.data-dir", root.resolve("infra" + i).toString());
      s.put("akka-etcd.listen-client-urls", "http://127.0.0.1:0");
      s.put("akka-etcd.listen-peer-urls", "http://127.0.0.1:" + peerPorts[i]);
      s.put("akka-etcd.initial-advertise-peer-urls", "http://127.0.0.1:" + peerPorts[i]);
      s.put("akka-etcd.initial-cluster", initialCluster.toString());
      configs.add(ConfigFactory.parseMap(s).withFallback(ConfigFactory.load()));
      members.add(EtcdServer.start(MemberConfig.from(configs.get(i)), configs.get(i)));
    }
    CompletableFuture.allOf(members.stream().map(m -> m.ready().toCompletableFuture())
        .toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
  }

  private static boolean addressInUse(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }

  /** Stops member {@code i} and starts it again over its data dir; waits until it is ready. */
  EtcdServer restart(int i) throws Exception {
    members.get(i).close();
    EtcdServer again = EtcdServer.start(MemberConfig.from(configs.get(i)), configs.get(i));
    members.set(i, again);
    again.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
    return again;
  }

  static String endpoint(EtcdServer m) {
    return "http://127.0.0.1:" + m.clientPort();
  }

  /** The member that {@code m} believes leads (Maintenance.Status through etcdctl). */
  static long leaderSeenBy(EtcdServer m) {
    Etcdctl.Result r = Etcdctl.run(endpoint(m), null, "endpoint", "status", "-w", "json");
    java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("\"leader\":(\\d+)").matcher(r.stdout());
    assertTrue(matcher.find(), r.toString());
    return Long.parseUnsignedLong(matcher.group(1));
  }

  private void closeMembers() {
    for (EtcdServer m : members) {
      try {
        m.close();
      } catch (Exception e) {
        // closing the rest matters more
      }
    }
    members.clear();
  }

  private void deleteTree() throws java.io.IOException {
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Override
  public void close() throws Exception {
    closeMembers();
    deleteTree();
  }
}
