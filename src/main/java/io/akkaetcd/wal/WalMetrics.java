package io.akkaetcd.wal;

import akka.actor.AbstractExtensionId;
import akka.actor.ActorSystem;
import akka.actor.ExtendedActorSystem;
import akka.actor.Extension;
import io.akkaetcd.metrics.Histogram;

/**
 * The WAL's metrics, one set per actor system (that is per member): the journal, which Akka creates, observes
 * them; /metrics renders them.
 */
public final class WalMetrics implements Extension {
  private static final Id ID = new Id();

  private final Histogram fsyncDuration = Histogram.walFsync();

  public static WalMetrics get(ActorSystem system) {
    return ID.get(system);
  }

  /** etcd_disk_wal_fsync_duration_seconds: each synced journal write. */
  public Histogram fsyncDuration() {
    return fsyncDuration;
  }

  private static final class Id extends AbstractExtensionId<WalMetrics> {
    @Override
    public WalMetrics createExtension(ExtendedActorSystem system) {
      return new WalMetrics();
    }
  }
}
