package io.akkaetcd.tcpproxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy behind {@code etcd gateway start}, as etcd's proxy/tcpproxy: every accepted connection is
 * piped byte for byte to one member, picked round-robin among the endpoints not marked inactive. An
 * endpoint that refuses a dial is marked inactive and the next one is tried; every {@code retryDelay}
 * the inactive ones are dialled again and come back when they answer. It sees bytes only, so TLS and
 * HTTP/2 pass through untouched, as they do through etcd's.
 */
public final class TcpProxy implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);
  private static final int DIAL_TIMEOUT_MILLIS = 5_000;

  private final List<Remote> remotes;
  private final Duration retryDelay;
  private final ServerSocket listener;
  private final ExecutorService pipes = Executors.newCachedThreadPool(daemon("tcpproxy-pipe"));
  private final ScheduledExecutorService monitor = Executors.newSingleThreadScheduledExecutor(daemon("tcpproxy-monitor"));
  private int pickCount; // guarded by this

  private static final class Remote {
    final InetSocketAddress address;
    volatile boolean inactive;

    Remote(InetSocketAddress address) {
      this.address = address;
    }

    @Override
    public String toString() {
      return address.getHostString() + ":" + address.getPort();
    }
  }

  private TcpProxy(ServerSocket listener, List<InetSocketAddress> endpoints, Duration retryDelay) {
    this.listener = listener;
    this.retryDelay = retryDelay;
    this.remotes = endpoints.stream().map(Remote::new).toList();
  }

  /** Binds {@code listen} and starts proxying to {@code endpoints}. */
  public static TcpProxy start(InetSocketAddress listen, List<InetSocketAddress> endpoints, Duration retryDelay)
      throws IOException {
    ServerSocket listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(listen);
    TcpProxy proxy = new TcpProxy(listener, endpoints, retryDelay);
    log.info("ready to proxy client requests; endpoints={}", proxy.remotes);
    long delay = Math.max(1, retryDelay.toMillis());
    proxy.monitor.scheduleWithFixedDelay(proxy::reactivate, delay, delay, TimeUnit.MILLISECONDS);
    Thread accept = new Thread(proxy::acceptLoop, "tcpproxy-accept");
    accept.setDaemon(true);
    accept.start();
    return proxy;
  }

  /** The port it listens on (the one asked for, or the one the system gave for port 0). */
  public int port() {
    return listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket in = listener.accept();
        pipes.execute(() -> serve(in));
      } catch (IOException e) {
        if (!listener.isClosed()) log.warn("failed to accept a connection: {}", e.toString());
      }
    }
  }

  private synchronized Remote pick() {
    for (int i = 0; i < remotes.size(); i++) {
      Remote picked = remotes.get(pickCount++ % remotes.size());
      if (!picked.inactive) return picked;
    }
    return null;
  }

  private void serve(Socket in) {
    Socket out = null;
    while (out == null) {
      Remote remote = pick();
      if (remote == null) break;
      try {
        out = dial(remote.address);
      } catch (IOException e) {
        remote.inactive = true;
        log.warn("deactivated endpoint; address={}, interval={}, error={}", remote, retryDelay, e.toString());
      }
    }
    if (out == null) {
      closeQuietly(in);
      return;
    }
    Socket upstream = out;
    java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger(2);
    pipes.execute(() -> pipe(upstream, in, open));
    pipe(in, upstream, open);
  }

  private static Socket dial(InetSocketAddress address) throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(address, DIAL_TIMEOUT_MILLIS);
      return socket;
    } catch (IOException e) {
      closeQuietly(socket);
      throw e;
    }
  }

  /**
   * Copies one direction until end of stream and passes the end on (a half-close); the second
   * direction to finish closes both sockets. An error in either closes both at once.
   */
  private static void pipe(Socket from, Socket to, java.util.concurrent.atomic.AtomicInteger open) {
    byte[] buffer = new byte[32 * 1024];
    try {
      to.setTcpNoDelay(true);
      InputStream input = from.getInputStream();
      OutputStream output = to.getOutputStream();
      for (int n; (n = input.read(buffer)) >= 0; ) {
        output.write(buffer, 0, n);
      }
      to.shutdownOutput();
      if (open.decrementAndGet() > 0) return;
    } catch (SocketException e) {
      // the other direction closed both sockets: nothing left to copy
    } catch (IOException e) {
      log.debug("proxied connection ended: {}", e.toString());
    }
    closeQuietly(from);
    closeQuietly(to);
  }

  private void reactivate() {
    for (Remote remote : remotes) {
      if (!remote.inactive) continue;
      try (Socket probe = dial(remote.address)) {
        remote.inactive = false;
        log.info("activated; address={}", remote);
      } catch (IOException e) {
        log.warn("failed to activate endpoint (stay inactive for another interval); address={}, error={}",
            remote, e.toString());
      }
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing: nothing to do about it
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void close() throws IOException {
    listener.close();
    monitor.shutdownNow();
    pipes.shutdownNow();
  }
}
