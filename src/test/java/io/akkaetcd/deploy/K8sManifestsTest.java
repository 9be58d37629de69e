package io.akkaetcd.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.akkaetcd.config.EtcdFlags;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/k8s as kubectl builds it (client side: `kubectl kustomize`, no cluster), read back as YAML:
 * the StatefulSet, Services, probes and PodDisruptionBudget docs/deploy.md describes, and every
 * ETCD_* variable one that this member takes.
 */
class K8sManifestsTest {
  private static final Path KUBECTL = Path.of("/usr/bin/kubectl");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path dir;

  static List<JsonNode> kustomize(Path kustomization, String... extra) throws Exception {
    List<String> command = new ArrayList<>(List.of(KUBECTL.toString(), "kustomize"));
    command.addAll(List.of(extra));
    command.add(kustomization.toString());
    Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), err);
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(out)) {
      it.forEachRemaining(docs::add);
    }
    return docs;
  }

  static Map<String, JsonNode> byKindAndName(List<JsonNode> docs) {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode d : docs) out.put(d.path("kind").asText() + "/" + d.path("metadata").path("name").asText(), d);
    return out;
  }

  @Test
  void theStatefulSetOfThreeAsDocumented() throws Exception {
    assumeTrue(Files.isExecutable(KUBECTL), "kubectl is not installed (Debian: kubernetes-client)");
    Map<String, JsonNode> r = byKindAndName(kustomize(Path.of("deploy/k8s")));
    assertEquals(Set.of("Service/etcd", "Service/etcd-client", "StatefulSet/etcd", "PodDisruptionBudget/etcd"),
        r.keySet());

    JsonNode headless = r.get("Service/etcd").path("spec");
    assertEquals("None", headless.path("clusterIP").asText());
    assertTrue(headless.path("publishNotReadyAddresses").asBoolean());
    Set<String> portNames = new TreeSet<>();
    headless.path("ports").forEach(p -> portNames.add(p.path("name").asText() + ":" + p.path("port").asInt()));
    // SRV records _etcd-server._tcp.etcd... and _etcd-client._tcp.etcd..., the names --discovery-srv looks up
    assertEquals(Set.of("etcd-client:2379", "etcd-server:2380"), portNames);

    JsonNode sts = r.get("StatefulSet/etcd").path("spec");
    assertEquals(3, sts.path("replicas").asInt());
    assertEquals("Parallel", sts.path("podManagementPolicy").asText());
    assertEquals("etcd", sts.path("serviceName").asText());
    assertEquals("data", sts.path("volumeClaimTemplates").get(0).path("metadata").path("name").asText());
    JsonNode pod = sts.path("template").path("spec");
    assertEquals("kubernetes.io/hostname", pod.path("affinity").path("podAntiAffinity")
        .path("requiredDuringSchedulingIgnoredDuringExecution").get(0).path("topologyKey").asText());
    JsonNode c = pod.path("containers").get(0);
    assertEquals("/livez", c.path("livenessProbe").path("httpGet").path("path").asText());
    assertEquals("/readyz", c.path("readinessProbe").path("httpGet").path("path").asText());
    assertEquals("/readyz", c.path("startupProbe").path("httpGet").path("path").asText());
    assertEquals("/var/lib/etcd", c.path("volumeMounts").get(0).path("mountPath").asText());
    assertTrue(c.path("resources").path("requests").has("memory"));
    Map<String, String> env = env(c);
    // bootstrapped from the headless Service's SRV records, as DiscoverySrvStatefulSetTest runs it
    assertEquals("etcd.$(POD_NAMESPACE).svc.cluster.local", env.get("ETCD_DISCOVERY_SRV"));
    assertEquals(null, env.get("ETCD_INITIAL_CLUSTER"), "one of initial-cluster and discovery-srv");
    assertEquals("http://$(POD_NAME).etcd.$(POD_NAMESPACE).svc.cluster.local:2380", env.get("ETCD_INITIAL_ADVERTISE_PEER_URLS"));
    assertEquals("$(POD_NAME)", env.get("ETCD_NAME"));
    assertEveryVariableIsAFlag(env);

    assertEquals(1, r.get("PodDisruptionBudget/etcd").path("spec").path("maxUnavailable").asInt());
  }

  @Test
  void theTlsComponentMountsCertManagerFileNames() throws Exception {
    assumeTrue(Files.isExecutable(KUBECTL), "kubectl is not installed (Debian: kubernetes-client)");
    Path base = dir.relativize(Path.of("deploy/k8s").toAbsolutePath());
    Files.writeString(dir.resolve("kustomization.yaml"),
        "resources: [" + base + "]\ncomponents: [" + base.resolve("tls") + "]\n");
    Map<String, JsonNode> resources = byKindAndName(kustomize(dir, "--load-restrictor", "LoadRestrictionsNone"));
    JsonNode c = resources.get("StatefulSet/etcd").path("spec").path("template").path("spec").path("containers").get(0);
    Map<String, String> env = env(c);
    assertEquals("/etc/etcd/tls/tls.crt", env.get("ETCD_CERT_FILE"));
    assertEquals("/etc/etcd/tls/tls.key", env.get("ETCD_KEY_FILE"));
    assertEquals("/etc/etcd/tls/ca.crt", env.get("ETCD_TRUSTED_CA_FILE"));
    assertEquals("https://0.0.0.0:2379", env.get("ETCD_LISTEN_CLIENT_URLS"));
    assertEquals("HTTPS", c.path("readinessProbe").path("httpGet").path("scheme").asText());
    assertEquals(null, env.get("ETCD_INITIAL_CLUSTER"));
    assertEquals("https://$(POD_NAME).etcd.$(POD_NAMESPACE).svc.cluster.local:2380", env.get("ETCD_INITIAL_ADVERTISE_PEER_URLS"));
    Set<String> ports = new TreeSet<>();
    resources.get("Service/etcd").path("spec").path("ports")
        .forEach(p -> ports.add(p.path("name").asText() + ":" + p.path("port").asInt()));
    assertEquals(Set.of("etcd-client-ssl:2379", "etcd-server-ssl:2380"), ports, "SRV names for https peers");
    assertEquals("/readyz", c.path("readinessProbe").path("httpGet").path("path").asText(), "the patch keeps the path");
    assertEveryVariableIsAFlag(env);
  }

  @Test
  void theBackupCronJobSavesASnapshot() throws Exception {
    assumeTrue(Files.isExecutable(KUBECTL), "kubectl is not installed (Debian: kubernetes-client)");
    JsonNode job = byKindAndName(kustomize(Path.of("deploy/k8s/backup"))).get("CronJob/etcd-backup");
    String script = job.path("spec").path("jobTemplate").path("spec").path("template").path("spec")
        .path("containers").get(0).path("command").get(2).asText();
    assertTrue(script.contains("etcdctl --endpoints=http://etcd-client:2379 snapshot save"), script);
  }

  private static Map<String, String> env(JsonNode container) {
    Map<String, String> env = new HashMap<>();
    container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
    return env;
  }

  private static void assertEveryVariableIsAFlag(Map<String, String> env) {
    for (String name : env.keySet()) {
      if (!name.startsWith(EtcdFlags.ENV_PREFIX)) continue;
      String flag = name.substring(EtcdFlags.ENV_PREFIX.length()).toLowerCase(java.util.Locale.ROOT).replace('_', '-');
      EtcdFlags.keyOf(flag); // throws for a variable no flag reads
    }
  }
}
