package io.akkaetcd.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * etcd's rafthttp peer series: {@code etcd_network_active_peers} (1 while a peer is reachable) and
 * {@code etcd_network_disconnected_peers_total} (how often it became unreachable), labelled Local and
 * Remote with member IDs in hex. Written by the cluster membership actor, scraped with the member's
 * other series (see {@link EtcdMetrics#peers()}).
 */
public final class PeerMetrics {
  private final String local;
  private final Gauge active;
  private final Counter disconnected;
  private final Set<String> reachable = ConcurrentHashMap.newKeySet();

  public PeerMetrics(PrometheusRegistry registry, long localId) {
    this.local = Long.toHexString(localId);
    active = Gauge.builder().name("etcd_network_active_peers").help("The current number of active peer connections.")
        .labelNames("Local", "Remote").register(registry);
    disconnected = Counter.builder().name("etcd_network_disconnected_peers_total")
        .help("The total number of disconnected peers.").labelNames("Local", "Remote").register(registry);
  }

  public void connected(long peer) {
    String remote = Long.toHexString(peer);
    reachable.add(remote);
    active.labelValues(local, remote).set(1);
    disconnected.labelValues(local, remote); // a peer seen is exported with 0 disconnections
  }

  public void disconnected(long peer) {
    String remote = Long.toHexString(peer);
    if (reachable.remove(remote)) {
      active.labelValues(local, remote).set(0);
      disconnected.labelValues(local, remote).inc();
    }
  }
}
