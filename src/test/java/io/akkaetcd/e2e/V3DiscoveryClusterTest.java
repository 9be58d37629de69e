package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd 3.6's v3 discovery ({@code --discovery-token}, {@code --discovery-endpoints}) with real etcd 3.4
 * as the discovery cluster: the token's size set to 3 with etcdctl, three members started with the token
 * only (one through {@code ETCD_DISCOVERY_TOKEN}) register under {@code /_etcd/registry/<token>/members}
 * and form one cluster; a fourth finds the cluster full and exits 1, as etcd does.
 */
class V3DiscoveryClusterTest {
  @TempDir Path dir;

  @Test
  void threeMembersBootstrapFromOneTokenAndAFourthIsRefused() throws Exception {
    assumeTrue(Files.isExecutable(Path.of(RealEtcd.BINARY)), "real etcd 3.4 (apt-get install etcd-server)");
    List<ProcessMember> members = new ArrayList<>();
    try (RealEtcd discovery = RealEtcd.start()) {
      String token = "tok" + Long.toHexString(System.nanoTime());
      String prefix = "/_etcd/registry/" + token;
      Etcdctl.Result size = Etcdctl.run(discovery.endpoint(), null, "put", prefix + "/_config/size", "3");
      assertEquals(0, size.exitCode(), size.stderr());

      List<String> endpoints = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String client = "http://127.0.0.1:" + RealEtcd.freePort();
        String peer = "http://127.0.0.1:" + RealEtcd.freePort();
        endpoints.add(client);
        ProcessMember m = ProcessMember.withArgs("infra" + i, List.of("--name", "infra" + i,
            "--data-dir", dir.resolve("d" + i).toString(), "--listen-client-urls", client,
            "--advertise-client-urls", client, "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--discovery-endpoints", discovery.endpoint()));
        if (i == 1) {
          m.withEnv("ETCD_DISCOVERY_TOKEN", token);
        } else {
          m.withFlags("--discovery-token", token);
        }
        members.add(m);
        if (i < 3) m.launch();
      }
      for (int i = 0; i < 3; i++) members.get(i).awaitReady(120);

      Etcdctl.Result list = Etcdctl.run(endpoints.get(0), null, "member", "list");
      assertEquals(0, list.exitCode(), list.stderr());
      assertEquals(3, list.stdout().strip().split("\n").length, list.stdout());
      Set<String> ids = new TreeSet<>();
      for (String line : list.stdout().strip().split("\n")) ids.add(line.split(", ")[0]);
      for (int i = 0; i < 3; i++) assertTrue(list.stdout().contains("started, infra" + i + ", "), list.stdout());

      // each registered under its member ID (derived with the token as cluster token), holding name=peer-url
      Etcdctl.Result registered = Etcdctl.run(discovery.endpoint(), null, "get", prefix + "/members/", "--prefix");
      Set<String> keys = new TreeSet<>();
      String[] lines = registered.stdout().strip().split("\n");
      for (int i = 0; i + 1 < lines.length; i += 2) {
        keys.add(lines[i].substring(lines[i].lastIndexOf('/') + 1));
        assertTrue(lines[i + 1].matches("infra[0-2]=http://127\\.0\\.0\\.1:\\d+"), lines[i + 1]);
      }
      assertEquals(ids, keys, registered.stdout());

      Etcdctl.Result put = Etcdctl.runOnceLeaderIsStable(List.of(), endpoints.get(0), 60, "put", "k", "discovered");
      assertEquals(0, put.exitCode(), put.stderr());
      Etcdctl.Result get = Etcdctl.runOnceLeaderIsStable(List.of(), endpoints.get(2), 60, "get", "k", "--print-value-only");
      assertEquals("discovered\n", get.stdout(), get.stderr());

      ProcessMember late = members.get(3);
      late.launch();
      assertEquals(1, late.awaitExit(60), late.output());
      assertTrue(late.output().contains("failed to join discovery cluster (discovery: cluster is full)"), late.output());
      Etcdctl.Result after = Etcdctl.run(discovery.endpoint(), null, "get", prefix + "/members/", "--prefix", "--keys-only");
      assertEquals(3, after.stdout().strip().split("\n+").length, "the refused member registered nothing: " + after.stdout());
    } finally {
      for (ProcessMember m : members) m.close();
    }
  }
}
