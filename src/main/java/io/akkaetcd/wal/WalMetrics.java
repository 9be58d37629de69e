package io.akkaetcd.wal;

import akka.actor.AbstractExtensionId;
import akka.actor.ActorSystem;
import akka.actor.ExtendedActorSystem;
import akka.actor.Extension;
import io.akkaetcd.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The WAL's metrics, one set per actor system (that is per member): the journal, which Akka creates and so cannot
 * be handed them, finds them here. A member puts its own registry's series in ({@link #observeFsyncWith}) before
 * it spawns the WAL actor; an actor system without a member (tests of the journal alone) keeps a private one.
 */
public final class WalMetrics implements Extension {
  private static final Id ID = new Id();

  private volatile Histogram fsyncDuration = Histogram.walFsync(new PrometheusRegistry());

  public static WalMetrics get(ActorSystem system) {
    return ID.get(system);
  }

  /** etcd_disk_wal_fsync_duration_seconds: each synced journal write. */
  public Histogram fsyncDuration() {
    return fsyncDuration;
  }

  /** The member's series, which its /metrics renders, from now on. */
  public void observeFsyncWith(Histogram memberSeries) {
    fsyncDuration = memberSeries;
  }

  private static final class Id extends AbstractExtensionId<WalMetrics> {
    @Override
    public WalMetrics createExtension(ExtendedActorSystem system) {
      return new WalMetrics();
    }
  }
}
