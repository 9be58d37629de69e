package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * systemd's Type=notify as etcd serves it: the test listens where systemd would ($NOTIFY_SOCKET, a
 * unix datagram socket) and receives READY=1 from the member process once it serves, not before.
 */
class SystemdNotifyTest {
  @TempDir Path dir;

  @Test
  void readyIsSentOnceTheMemberServes() throws Exception {
    Path socket = dir.resolve("notify");
    try (UnixDatagramChannel listener = UnixDatagramChannel.open()) {
      listener.bind(new UnixSocketAddress(socket.toFile()));
      // Received on its own thread: jnr's non-blocking receive throws EAGAIN rather than returning null.
      CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
        ByteBuffer buf = ByteBuffer.allocate(512);
        try {
          listener.receive(buf);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        buf.flip();
        return StandardCharsets.UTF_8.decode(buf).toString();
      });
      try (ProcessMember m = new ProcessMember(dir.resolve("data"), RealEtcd.freePort(), RealEtcd.freePort())
          .withEnv("NOTIFY_SOCKET", socket.toString())) {
        m.launch();
        assertEquals("READY=1", received.get(60, TimeUnit.SECONDS), m.output());
        m.awaitReady();
        assertTrue(m.output().contains("ready to serve client requests"), "READY=1 comes with readiness");
        assertEquals("OK\n", Etcdctl.run(m.endpoint(), null, "put", "notified", "1").stdout());
      }
    }
  }
}
