package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.akkaetcd.tls.TestCerts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two members started by bin/etcd from etcd 3.4 YAML config files alone: name, data dir, listen and
 * advertise URLs, the initial cluster, and both TLS sections. The flags and ETCD_* variables given beside
 * the file are wrong on purpose; etcd ignores them when a file is given, and so must the member.
 */
class ConfigFileClusterTest {
  @TempDir Path dir;

  @Test
  void membersStartFromConfigFilesAsTheFlagsWouldStartThem() throws Exception {
    TestCerts ca = TestCerts.authority(dir.resolve("certs"), "ca");
    Path[] client = ca.issue("client", "root");
    int[] clientPorts = {RealEtcd.freePort(), RealEtcd.freePort()};
    int[] peerPorts = {RealEtcd.freePort(), RealEtcd.freePort()};
    String cluster = "infra0=https://127.0.0.1:" + peerPorts[0] + ",infra1=https://127.0.0.1:" + peerPorts[1];
    List<ProcessMember> members = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Path[] pair = ca.issue("infra" + i, "infra" + i);
        String url = "https://127.0.0.1:";
        Path file = dir.resolve("infra" + i + ".yml");
        Files.writeString(file, "# etcd.conf.yml.sample's layout\n"
            + "name: 'infra" + i + "'\n"
            + "data-dir: " + dir.resolve("data" + i) + "\n"
            + "wal-dir:\n"
            + "heartbeat-interval: 100\n"
            + "election-timeout: 1000\n"
            + "listen-peer-urls: " + url + peerPorts[i] + "\n"
            + "listen-client-urls: " + url + clientPorts[i] + "\n"
            + "initial-advertise-peer-urls: " + url + peerPorts[i] + "\n"
            + "advertise-client-urls: " + url + clientPorts[i] + "\n"
            + "initial-cluster: " + cluster + "\n"
            + "initial-cluster-token: 'config-file-test'\n"
            + "initial-cluster-state: 'new'\n"
            + "client-transport-security:\n"
            + "  cert-file: " + pair[0] + "\n  key-file: " + pair[1] + "\n"
            + "  client-cert-auth: true\n  trusted-ca-file: " + ca.caCert() + "\n  auto-tls: false\n"
            + "peer-transport-security:\n"
            + "  cert-file: " + pair[0] + "\n  key-file: " + pair[1] + "\n"
            + "  client-cert-auth: true\n  trusted-ca-file: " + ca.caCert() + "\n"
            + "logger: zap\n"
            + "log-outputs: [stderr]\n");
        ProcessMember m = ProcessMember.withArgs("infra" + i, List.of(
                "--config-file", file.toString(), "--name", "not-this", "--data-dir", dir.resolve("wrong").toString()))
            .withEnv("ETCD_INITIAL_CLUSTER", "nobody=http://127.0.0.1:1")
            .withEnv("ETCD_LISTEN_CLIENT_URLS", "http://127.0.0.1:1");
        members.add(m);
        m.launch();
      }
      // bounded generously: two JVMs with RSA TLS on both sides start slowly on a loaded machine
      for (ProcessMember m : members) m.awaitReady(180);

      String[] tls = {"--cacert=" + ca.caCert(), "--cert=" + client[0], "--key=" + client[1]};
      String ep0 = "https://127.0.0.1:" + clientPorts[0];
      String ep1 = "https://127.0.0.1:" + clientPorts[1];
      Etcdctl.Result list = Etcdctl.run(ep0, null, concat(tls, "member", "list"));
      assertEquals(0, list.exitCode(), list.stderr());
      for (int i = 0; i < 2; i++) {
        assertTrue(list.stdout().contains("infra" + i + ", https://127.0.0.1:" + peerPorts[i] + ", https://127.0.0.1:"
            + clientPorts[i]), list.stdout());
      }
      Etcdctl.Result put = Etcdctl.run(ep0, null, concat(tls, "put", "k", "from-file"));
      assertEquals(0, put.exitCode(), put.stderr());
      Etcdctl.Result get = Etcdctl.run(ep1, null, concat(tls, "get", "k", "--print-value-only"));
      assertEquals("from-file\n", get.stdout(), get.stderr());
      // the client listener asks for a certificate the CA signed, as client-cert-auth says
      Etcdctl.Result noCert = Etcdctl.run(ep0, null, "--cacert=" + ca.caCert(), "get", "k");
      assertTrue(noCert.exitCode() != 0, noCert.stdout());

      assertTrue(Files.isDirectory(dir.resolve("data0/member")), "the file's data-dir");
      assertTrue(Files.notExists(dir.resolve("wrong")), "the --data-dir flag beside the file is ignored");
      assertTrue(members.get(0).output().contains("\"msg\":\"Loading server configuration from"), members.get(0).output());
    } finally {
      for (ProcessMember m : members) m.close();
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
