package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members as deploy/k8s's StatefulSet runs them, with the manifest's own ETCD_* variables: each in its
 * own network namespace on a bridge, its DNS the dnsmasq the test runs, which publishes what the headless
 * Service would (A records {@code etcd-N.etcd.default.svc.cluster.local}, SRV records
 * {@code _etcd-server._tcp} and {@code _etcd-client._tcp} under {@code etcd.default.svc.cluster.local}).
 * Three members bootstrap with {@code --discovery-srv}; then the cluster scales to four (member add, the
 * new pod's records, {@code ETCD_INITIAL_CLUSTER_STATE=existing}) and back (member remove). Needs root,
 * iproute2 and Debian's dnsmasq; skips, saying so, without them.
 */
class DiscoverySrvStatefulSetTest {
  private static final String DOMAIN = "etcd.default.svc.cluster.local";
  @TempDir Path dir;

  private final String suffix = Integer.toHexString(new SecureRandom().nextInt(0xffff) | 0x10000).substring(1);
  private final String subnet = "10.213." + (new SecureRandom().nextInt(250) + 1) + ".";
  private final String hub = "ae-hub-" + suffix;
  private final List<String> namespaces = new ArrayList<>();
  private final List<ProcessMember> members = new ArrayList<>();
  private Process dnsmasq;

  @Test
  void threeMembersBootstrapFromSrvRecordsThenScaleToFourAndBack() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root to create network namespaces");
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/dnsmasq")), "needs Debian's dnsmasq (apt-get install -y dnsmasq)");
    assumeTrue(sh("ip", "netns", "list").exitCode() == 0, "needs iproute2's ip netns");
    Map<String, String> manifest = manifestEnvironment();

    sh0("ip", "netns", "add", hub);
    namespaces.add(hub);
    sh0("ip", "-n", hub, "link", "set", "lo", "up");
    sh0("ip", "-n", hub, "link", "add", "br0", "type", "bridge");
    sh0("ip", "-n", hub, "addr", "add", subnet + "1/24", "dev", "br0");
    sh0("ip", "-n", hub, "link", "set", "br0", "up");
    resolvConf(hub);
    for (int i = 0; i < 4; i++) pod(i);
    serveDns(3);

    for (int i = 0; i < 3; i++) members.add(startPod(i, manifest, "new"));
    for (ProcessMember m : members) m.awaitReady(120);

    String ep0 = "http://" + subnet + "10:2379";
    Etcdctl.Result list = etcdctl("--endpoints=" + ep0, "member", "list");
    assertEquals(0, list.exitCode(), list.stderr());
    for (int i = 0; i < 3; i++) {
      assertTrue(list.stdout().contains("started, etcd-" + i + ", " + peerUrl(i) + ", " + clientUrl(i)), list.stdout());
    }
    assertEquals(3, list.stdout().strip().split("\n").length, list.stdout());
    // clients find the members by the _etcd-client._tcp records, as etcdctl --discovery-srv does
    Etcdctl.Result put = etcdctlOnceLeaderIsStable("--discovery-srv=" + DOMAIN, "put", "k", "before-scaling");
    assertEquals(0, put.exitCode(), put.stderr());

    // scale up: member add, the fourth pod's records, then the pod with ETCD_INITIAL_CLUSTER_STATE=existing
    Etcdctl.Result add = etcdctl("--endpoints=" + ep0, "member", "add", "etcd-3", "--peer-urls=" + peerUrl(3));
    assertEquals(0, add.exitCode(), add.stderr());
    String id3 = add.stdout().replaceAll("(?s).*Member ([0-9a-f]+) added.*", "$1");
    serveDns(4);
    ProcessMember pod3 = startPod(3, manifest, "existing");
    members.add(pod3);
    pod3.awaitReady(120);
    Etcdctl.Result get = etcdctl("--endpoints=http://" + subnet + "13:2379", "get", "k", "--print-value-only");
    assertEquals("before-scaling\n", get.stdout(), get.stderr());
    Etcdctl.Result four = etcdctl("--endpoints=" + ep0, "member", "list");
    assertTrue(four.stdout().contains(id3 + ", started, etcd-3, " + peerUrl(3)), four.stdout());

    // scale down: member remove first, then the pod goes and its records with it
    Etcdctl.Result remove = etcdctl("--endpoints=" + ep0, "member", "remove", id3);
    assertEquals(0, remove.exitCode(), remove.stderr());
    pod3.close();
    serveDns(3);
    Etcdctl.Result three = etcdctl("--endpoints=" + ep0, "member", "list");
    assertEquals(3, three.stdout().strip().split("\n").length, three.stdout());
    assertTrue(!three.stdout().contains("etcd-3"), three.stdout());
    Etcdctl.Result after = etcdctlOnceLeaderIsStable("--discovery-srv=" + DOMAIN, "put", "k", "after-scaling");
    assertEquals(0, after.exitCode(), after.stderr());
  }

  /** The StatefulSet's container env from deploy/k8s/statefulset.yaml, $(VAR) references left in. */
  private static Map<String, String> manifestEnvironment() throws Exception {
    JsonNode sts = new ObjectMapper(new YAMLFactory()).readTree(Path.of("deploy/k8s/statefulset.yaml").toFile());
    Map<String, String> env = new LinkedHashMap<>();
    sts.path("spec").path("template").path("spec").path("containers").get(0).path("env")
        .forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
    assertEquals(DOMAIN.replace("default", "$(POD_NAMESPACE)"), env.get("ETCD_DISCOVERY_SRV"));
    return env;
  }

  private static String host(int i) {
    return "etcd-" + i + "." + DOMAIN;
  }

  private static String peerUrl(int i) {
    return "http://" + host(i) + ":2380";
  }

  private static String clientUrl(int i) {
    return "http://" + host(i) + ":2379";
  }

  /** Pod i's namespace, a veth into the hub's bridge, address .10+i, DNS the hub's dnsmasq. */
  private void pod(int i) throws Exception {
    String ns = "ae-etcd-" + i + "-" + suffix;
    sh0("ip", "netns", "add", ns);
    namespaces.add(ns);
    sh0("ip", "-n", ns, "link", "set", "lo", "up");
    sh0("ip", "-n", hub, "link", "add", "vh" + i, "type", "veth", "peer", "name", "eth0", "netns", ns);
    sh0("ip", "-n", hub, "link", "set", "vh" + i, "master", "br0", "up");
    sh0("ip", "-n", ns, "addr", "add", subnet + (10 + i) + "/24", "dev", "eth0");
    sh0("ip", "-n", ns, "link", "set", "eth0", "up");
    resolvConf(ns);
  }

  /** ip netns exec mounts /etc/netns/NAME/resolv.conf over /etc/resolv.conf. */
  private void resolvConf(String ns) throws Exception {
    Path etc = Files.createDirectories(Path.of("/etc/netns", ns));
    Files.writeString(etc.resolve("resolv.conf"), "nameserver " + subnet + "1\noptions timeout:1 attempts:2\n");
  }

  /** (Re)starts dnsmasq with the records of pods 0..n-1, as the headless Service publishes them. */
  private void serveDns(int n) throws Exception {
    stopDns();
    StringBuilder conf = new StringBuilder("local=/cluster.local/\n");
    for (int i = 0; i < n; i++) {
      conf.append("host-record=").append(host(i)).append(',').append(subnet).append(10 + i).append('\n');
      conf.append("srv-host=_etcd-server._tcp.").append(DOMAIN).append(',').append(host(i)).append(",2380,0,10\n");
      conf.append("srv-host=_etcd-client._tcp.").append(DOMAIN).append(',').append(host(i)).append(",2379,0,10\n");
    }
    Path file = dir.resolve("dnsmasq.conf");
    Files.writeString(file, conf);
    dnsmasq = new ProcessBuilder("ip", "netns", "exec", hub, "/usr/sbin/dnsmasq", "--keep-in-foreground",
        "--no-resolv", "--no-hosts", "--no-poll", "--bind-interfaces", "--listen-address=" + subnet + "1",
        "--user=root", "--pid-file=", "--log-facility=-", "--conf-file=" + file)
        .redirectErrorStream(true).redirectOutput(dir.resolve("dnsmasq.log").toFile()).start();
    // ready once it answers for the last pod's name
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      ShResult r = sh("ip", "netns", "exec", hub, "getent", "hosts", host(n - 1));
      if (r.exitCode() == 0) break;
      if (!dnsmasq.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("dnsmasq does not answer: " + Files.readString(dir.resolve("dnsmasq.log")));
      }
      Thread.sleep(50); // between polls of the condition
    }
  }

  private void stopDns() throws InterruptedException {
    if (dnsmasq != null) {
      dnsmasq.destroy();
      dnsmasq.waitFor(10, TimeUnit.SECONDS);
      dnsmasq = null;
    }
  }

  /** bin/etcd in pod i's namespace with the manifest's env, $(POD_NAME) and $(POD_NAMESPACE) filled in. */
  private ProcessMember startPod(int i, Map<String, String> manifest, String state) throws Exception {
    String ns = "ae-etcd-" + i + "-" + suffix;
    ProcessMember m = ProcessMember.withArgs("etcd-" + i, List.of()).under("ip", "netns", "exec", ns);
    for (Map.Entry<String, String> e : manifest.entrySet()) {
      if (!e.getKey().startsWith("ETCD_")) continue;
      m.withEnv(e.getKey(), e.getValue().replace("$(POD_NAME)", "etcd-" + i).replace("$(POD_NAMESPACE)", "default"));
    }
    // the PVC's mount point, and the state docs/deploy.md sets before scaling up
    m.withEnv("ETCD_DATA_DIR", dir.resolve("data-etcd-" + i).toString());
    m.withEnv("ETCD_INITIAL_CLUSTER_STATE", state);
    m.launch();
    return m;
  }

  /** etcdctl from the hub's namespace (on the bridge, its DNS dnsmasq). */
  private Etcdctl.Result etcdctl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", hub, Etcdctl.BINARY, "--dial-timeout=5s",
        "--command-timeout=15s"));
    cmd.addAll(List.of(args));
    ShResult r = sh(cmd.toArray(String[]::new));
    return new Etcdctl.Result(r.exitCode(), r.stdout(), r.stderr());
  }

  /** As {@link Etcdctl#runOnceLeaderIsStable}: a cluster that just formed or changed may elect again first. */
  private Etcdctl.Result etcdctlOnceLeaderIsStable(String... args) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      Etcdctl.Result r = etcdctl(args);
      if (!Etcdctl.electing(r) || System.nanoTime() > deadline) return r;
    }
  }

  record ShResult(int exitCode, String stdout, String stderr) {}

  private static ShResult sh(String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("ETCDCTL_API", "3");
    Path err = Files.createTempFile("ae-sh", ".err");
    try {
      Process p = pb.redirectError(err.toFile()).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("did not finish: " + String.join(" ", cmd));
      }
      return new ShResult(p.exitValue(), out, Files.readString(err));
    } finally {
      Files.deleteIfExists(err);
    }
  }

  private static void sh0(String... cmd) throws Exception {
    ShResult r = sh(cmd);
    if (r.exitCode() != 0) throw new IllegalStateException(String.join(" ", cmd) + ": " + r.stderr());
  }

  @AfterEach
  void tearDown() throws Exception {
    for (ProcessMember m : members) m.close();
    stopDns();
    for (String ns : namespaces) {
      sh("ip", "netns", "del", ns);
      Path etc = Path.of("/etc/netns", ns);
      Files.deleteIfExists(etc.resolve("resolv.conf"));
      Files.deleteIfExists(etc);
    }
  }
}
