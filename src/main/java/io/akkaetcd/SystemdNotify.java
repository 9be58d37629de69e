package io.akkaetcd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;

/**
 * sd_notify as etcd's etcdmain does it (go-systemd daemon.SdNotify): once the member serves, one
 * datagram "READY=1" to the unix socket {@code $NOTIFY_SOCKET}, so a {@code Type=notify} unit becomes
 * active. Without the variable (not under systemd) it does nothing.
 */
final class SystemdNotify {
  private SystemdNotify() {}

  /** Sends {@code state}; returns false when there is no socket to send to. */
  static boolean notify(String socket, String state) throws IOException {
    if (socket == null || socket.isEmpty()) return false;
    // '@' names a socket in the abstract namespace, which the kernel spells with a leading NUL
    String path = socket.charAt(0) == '@' ? "\0" + socket.substring(1) : socket;
    try (UnixDatagramChannel channel = UnixDatagramChannel.open()) {
      channel.send(ByteBuffer.wrap(state.getBytes(StandardCharsets.UTF_8)), new UnixSocketAddress(path));
    }
    return true;
  }
}
