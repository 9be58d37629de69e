package io.akkaetcd.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/etcd with an https client URL and no key pair stops at start as etcd 3.4.23 does: its message, exit 1. */
class TlsStartRefusalTest {
  @TempDir
  Path dir;

  @Test
  void httpsWithoutCertificateFilesExitsWithEtcdsMessage() throws Exception {
    int client = RealEtcd.freePort();
    int peer = RealEtcd.freePort();
    ProcessBuilder pb = new ProcessBuilder(Path.of("bin/etcd").toAbsolutePath().toString(),
        "--data-dir", dir.resolve("d").toString(),
        "--listen-client-urls", "https://127.0.0.1:" + client, "--advertise-client-urls", "https://127.0.0.1:" + client,
        "--listen-peer-urls", "http://127.0.0.1:" + peer, "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer,
        "--initial-cluster", "default=http://127.0.0.1:" + peer);
    pb.environment().put("AKKA_ETCD_SKIP_BUILD", "1");
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(1, p.exitValue(), out);
    assertTrue(out.contains("TLS key/cert (--cert-file, --key-file) must be provided for client url https://127.0.0.1:"
        + client + " with HTTPS scheme"), out);
  }
}
