package io.akkaetcd.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * etcd's rafthttp peer gauges: {@code etcd_network_active_peers} (1 while a peer is reachable) and
 * {@code etcd_network_disconnected_peers_total} (how often it became unreachable), labelled Local and
 * Remote with member IDs in hex. Written by the cluster membership actor, read by /metrics.
 */
public final class PeerMetrics {
  private final String local;
  private final Map<String, Boolean> active = new ConcurrentSkipListMap<>();
  private final Map<String, Long> disconnected = new ConcurrentHashMap<>();

  public PeerMetrics(long localId) {
    this.local = Long.toHexString(localId);
  }

  public void connected(long peer) {
    active.put(Long.toHexString(peer), true);
  }

  public void disconnected(long peer) {
    String remote = Long.toHexString(peer);
    if (Boolean.TRUE.equals(active.put(remote, false))) {
      disconnected.merge(remote, 1L, Long::sum);
    }
  }

  public void render(StringBuilder out) {
    out.append("# HELP etcd_network_active_peers The current number of active peer connections.\n")
        .append("# TYPE etcd_network_active_peers gauge\n");
    active.forEach((remote, up) -> out.append("etcd_network_active_peers{Local=\"").append(local)
        .append("\",Remote=\"").append(remote).append("\"} ").append(up ? 1 : 0).append('\n'));
    out.append("# HELP etcd_network_disconnected_peers_total The total number of disconnected peers.\n")
        .append("# TYPE etcd_network_disconnected_peers_total counter\n");
    active.keySet().forEach(remote -> out.append("etcd_network_disconnected_peers_total{Local=\"").append(local)
        .append("\",Remote=\"").append(remote).append("\"} ").append(disconnected.getOrDefault(remote, 0L))
        .append('\n'));
  }
}
