package io.akkaetcd.tcpproxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TcpProxyTest {
  private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  /** Answers every connection with its name, then echoes what it reads; counts connections. */
  private static final class NamedEcho implements AutoCloseable {
    final ServerSocket server;
    final AtomicInteger accepted = new AtomicInteger();

    NamedEcho(String name, int port) throws IOException {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      Thread t = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket s = server.accept();
            accepted.incrementAndGet();
            Thread echo = new Thread(() -> {
              try (s) {
                s.getOutputStream().write((name + "\n").getBytes(StandardCharsets.UTF_8));
                s.getInputStream().transferTo(s.getOutputStream());
              } catch (IOException e) {
                // client went away
              }
            });
            echo.setDaemon(true);
            echo.start();
          } catch (IOException e) {
            // closed
          }
        }
      });
      t.setDaemon(true);
      t.start();
    }

    InetSocketAddress address() {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c; (c = in.read()) >= 0 && c != '\n'; ) b.append((char) c);
    return b.toString();
  }

  /** Connects through the proxy: the name of the endpoint it reached, after a round trip of bytes. */
  private static String through(TcpProxy proxy) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      String reached = line(s.getInputStream());
      byte[] payload = new byte[100_000];
      new java.util.Random(7).nextBytes(payload);
      Thread writer = new Thread(() -> {
        try {
          s.getOutputStream().write(payload);
          s.shutdownOutput();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      writer.start();
      assertArrayEquals(payload, s.getInputStream().readAllBytes(), "bytes pass through unchanged, both ways");
      return reached;
    }
  }

  private static int unusedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void spreadsConnectionsRoundRobinAndSkipsAnEndpointThatRefuses() throws Exception {
    int deadPort = unusedPort();
    InetSocketAddress dead = new InetSocketAddress(InetAddress.getLoopbackAddress(), deadPort);
    try (NamedEcho a = new NamedEcho("a", 0); NamedEcho b = new NamedEcho("b", 0);
         TcpProxy proxy = TcpProxy.start(ANY_LOOPBACK, List.of(a.address(), dead, b.address()), Duration.ofHours(1))) {
      List<String> reached = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) reached.add(through(proxy));
      // a, then the dead one refuses and b takes it; after that the dead one is skipped
      assertEquals(List.of("a", "b", "a", "b"), reached);
    }
  }

  @Test
  void anInactiveEndpointComesBackOnceItAnswersAgain() throws Exception {
    int port = unusedPort();
    InetSocketAddress later = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    try (NamedEcho a = new NamedEcho("a", 0);
         TcpProxy proxy = TcpProxy.start(ANY_LOOPBACK, List.of(later, a.address()), Duration.ofMillis(50))) {
      assertEquals("a", through(proxy)); // the first refused, marked inactive
      try (NamedEcho back = new NamedEcho("later", port)) {
        // the monitor's probe is a connection of its own: wait for it, then the endpoint is picked again
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String reached = "";
        while (!reached.equals("later") && System.nanoTime() < deadline) {
          if (back.accepted.get() > 0) reached = through(proxy);
          else Thread.onSpinWait();
        }
        assertEquals("later", reached);
      }
    }
  }

  @Test
  void closesTheClientWhenNoEndpointAnswers() throws Exception {
    InetSocketAddress dead = new InetSocketAddress(InetAddress.getLoopbackAddress(), unusedPort());
    try (TcpProxy proxy = TcpProxy.start(ANY_LOOPBACK, List.of(dead), Duration.ofHours(1));
         Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      assertEquals(-1, s.getInputStream().read(), "closed, as etcd's gateway closes it");
    }
  }
}
