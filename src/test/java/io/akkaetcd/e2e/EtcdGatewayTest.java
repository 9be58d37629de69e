package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/etcd gateway start} in front of a member: etcdctl talks to the gateway's port as to a member. */
class EtcdGatewayTest {
  @Test
  void etcdctlReachesTheMemberThroughTheGateway(@TempDir Path dir) throws Exception {
    try (ProcessMember member = new ProcessMember(dir.resolve("data"), RealEtcd.freePort(), RealEtcd.freePort())) {
      member.start();
      int gatewayPort = RealEtcd.freePort();
      ProcessBuilder pb = new ProcessBuilder(Path.of("bin/etcd").toAbsolutePath().toString(), "gateway", "start",
          "--listen-addr=127.0.0.1:" + gatewayPort, "--endpoints=" + member.endpoint()).redirectErrorStream(true);
      pb.environment().put("AKKA_ETCD_SKIP_BUILD", "1");
      Process gateway = pb.start();
      try {
        StringBuilder output = new StringBuilder();
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
          try (BufferedReader r = new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
              output.append(line).append('\n');
              if (line.contains("ready to proxy client requests")) return true;
            }
          } catch (java.io.IOException e) {
            // the process ended
          }
          return false;
        });
        assertTrue(ready.get(60, TimeUnit.SECONDS), output::toString);
        String through = "127.0.0.1:" + gatewayPort;
        assertEquals("OK\n", Etcdctl.run(through, null, "put", "via", "gateway").stdout());
        assertEquals("via\ngateway\n", Etcdctl.run(member.endpoint(), null, "get", "via").stdout());
      } finally {
        gateway.toHandle().destroy();
        gateway.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
