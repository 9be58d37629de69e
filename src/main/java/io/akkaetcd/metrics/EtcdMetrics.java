package io.akkaetcd.metrics;

import io.akkaetcd.mvcc.MvccCounters;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.LongSupplier;

/**
 * One member's metrics, in a registry of its own (several members can share a JVM in tests): etcd's
 * series with etcd's names, labels and buckets, grpc-go-prometheus's {@code grpc_server_*}, and the
 * JVM's {@code jvm_*} and {@code process_*} where etcd has Go's {@code go_*}.
 *
 * <p>Series that describe state the actors own (leadership, revisions, sizes) are set from one
 * {@link MemberSnapshot} taken by asking them just before each scrape; counters of events are counted
 * where the events happen.
 */
public final class EtcdMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Histogram walFsync;
  private final Histogram backendCommit;
  private final GrpcServerMetrics grpc;
  private final PeerMetrics peers;
  private final Gauge hasLeader;
  private final Gauge isLeader;
  private final Gauge isLearner;
  private final Gauge dbTotalSize;
  private final Gauge dbTotalSizeInUse;
  private final Gauge dbTotalSizeDebug;
  private final Gauge currentRevision;
  private final Gauge compactRevision;
  /** Read by the callbacks at each scrape; etcd exports the two proposal series as gauges. */
  private volatile long proposalsCommitted;
  private volatile long proposalsApplied;
  private volatile long leaderChanges;

  public EtcdMetrics(String serverVersion, String clusterVersion, long memberId, LongSupplier clusterId,
      long quotaBackendBytes, boolean extensive) {
    walFsync = Histogram.walFsync(registry);
    backendCommit = Histogram.exponential(registry, "etcd_disk_backend_commit_duration_seconds",
        "The latency distributions of commit called by backend.", 0.001, 2, 14);
    grpc = new GrpcServerMetrics(registry, extensive);
    peers = new PeerMetrics(registry, memberId);
    constant("etcd_server_version", "Which version is running. 1 for 'server_version' label with current version.",
        "server_version", serverVersion);
    constant("etcd_cluster_version", "Which version is running. 1 for 'cluster_version' label with current cluster version",
        "cluster_version", clusterVersion);
    constant("etcd_server_id", "Server or member ID in hexadecimal format. 1 for 'server_id' label with current ID.",
        "server_id", Long.toHexString(memberId));
    // a member that joined learns the cluster's id from the log, after it starts
    GaugeWithCallback.builder().name("etcd_cluster_id")
        .help("Cluster ID in hexadecimal format. 1 for 'cluster_id' label with current ID.")
        .labelNames("cluster_id").callback(cb -> cb.call(1, Long.toHexString(clusterId.getAsLong())))
        .register(registry);
    Gauge.builder().name("etcd_server_quota_backend_bytes").help("Current backend storage quota size in bytes.")
        .register(registry).set(quotaBackendBytes);
    hasLeader = gauge("etcd_server_has_leader", "Whether or not a leader exists. 1 is existence, 0 is not.");
    isLeader = gauge("etcd_server_is_leader", "Whether or not this member is a leader. 1 if is, 0 otherwise.");
    isLearner = gauge("etcd_server_is_learner", "Whether or not this member is a learner. 1 if is, 0 otherwise.");
    dbTotalSize = gauge("etcd_mvcc_db_total_size_in_bytes",
        "Total size of the underlying database physically allocated in bytes.");
    dbTotalSizeDebug = gauge("etcd_debugging_mvcc_db_total_size_in_bytes",
        "Total size of the underlying database physically allocated in bytes.");
    dbTotalSizeInUse = gauge("etcd_mvcc_db_total_size_in_use_in_bytes",
        "Total size of the underlying database logically in use in bytes.");
    currentRevision = gauge("etcd_debugging_mvcc_current_revision", "The current revision of store.");
    compactRevision = gauge("etcd_debugging_mvcc_compact_revision", "The revision of the last compaction in store.");
    CounterWithCallback.builder().name("etcd_server_leader_changes_seen_total")
        .help("The number of leader changes seen.")
        .callback(cb -> cb.call(leaderChanges)).register(registry);
    gaugeOf("etcd_server_proposals_committed_total", "The total number of consensus proposals committed.",
        () -> proposalsCommitted);
    gaugeOf("etcd_server_proposals_applied_total", "The total number of consensus proposals applied.",
        () -> proposalsApplied);
    JvmMetrics.builder().register(registry);
  }

  /** The proposal series, read from the member's wait registry at each scrape. */
  public void registerProposals(LongSupplier failed, LongSupplier pending) {
    CounterWithCallback.builder().name("etcd_server_proposals_failed_total")
        .help("The total number of failed proposals seen.")
        .callback(cb -> cb.call(failed.getAsLong())).register(registry);
    GaugeWithCallback.builder().name("etcd_server_proposals_pending")
        .help("The current number of pending proposals to commit.")
        .callback(cb -> cb.call(pending.getAsLong())).register(registry);
  }

  /** etcd's mvcc counters, with the etcd_debugging_mvcc_ twins 3.4 still exports, and its histograms. */
  public void registerMvcc(MvccCounters c) {
    for (String prefix : new String[] {"etcd_mvcc_", "etcd_debugging_mvcc_"}) {
      counter(prefix + "range_total", "Total number of ranges seen by this member.", c::ranges);
      counter(prefix + "put_total", "Total number of puts seen by this member.", c::puts);
      counter(prefix + "delete_total", "Total number of deletes seen by this member.", c::deletes);
      counter(prefix + "txn_total", "Total number of txns seen by this member.", c::txns);
    }
    // etcd's gauges named like counters
    gaugeOf("etcd_debugging_mvcc_keys_total", "Total number of keys.", c::keys);
    gaugeOf("etcd_debugging_mvcc_total_put_size_in_bytes", "The total size of put kv pairs seen by this member.",
        c::putBytes);
    counter("etcd_debugging_mvcc_db_compaction_keys_total", "Total number of db keys compacted.", c::compactedKeys);
    Histogram indexPause = Histogram.exponential(registry,
        "etcd_debugging_mvcc_index_compaction_pause_duration_milliseconds",
        "Bucketed histogram of index compaction pause duration.", 0.5, 2, 14);
    Histogram dbPause = Histogram.exponential(registry, "etcd_debugging_mvcc_db_compaction_pause_duration_milliseconds",
        "Bucketed histogram of db compaction pause duration.", 1, 2, 13);
    Histogram dbTotal = Histogram.exponential(registry, "etcd_debugging_mvcc_db_compaction_total_duration_milliseconds",
        "Bucketed histogram of db compaction total duration.", 100, 2, 14);
    Histogram hash = Histogram.exponential(registry, "etcd_mvcc_hash_duration_seconds",
        "The latency distribution of storage hash operation.", 0.01, 2, 15);
    Histogram hashRev = Histogram.exponential(registry, "etcd_mvcc_hash_rev_duration_seconds",
        "The latency distribution of storage hash by revision operation.", 0.01, 2, 15);
    c.reportDurationsTo(new MvccCounters.Durations() {
      @Override
      public void indexCompaction(long nanos) {
        indexPause.observeWholeMillis(nanos);
      }

      @Override
      public void compaction(long nanos) {
        // the store compacts in one step: one pause, as long as the whole
        dbPause.observeWholeMillis(nanos);
        dbTotal.observeWholeMillis(nanos);
      }

      @Override
      public void hash(long nanos) {
        hash.observeNanos(nanos);
      }

      @Override
      public void hashByRev(long nanos) {
        hashRev.observeNanos(nanos);
      }
    });
  }

  /**
   * etcd's watch series (mvcc/metrics.go): open watch streams, watchers, watchers catching up or
   * held back ("slow"), events sent, and events handed to a stream but not sent yet.
   */
  public void registerWatch(LongSupplier streams, LongSupplier watchers, LongSupplier slowWatchers,
      LongSupplier eventsSent, LongSupplier pendingEvents) {
    gaugeOf("etcd_debugging_mvcc_watch_stream_total", "Total number of watch streams.", streams);
    gaugeOf("etcd_debugging_mvcc_watcher_total", "Total number of watchers.", watchers);
    gaugeOf("etcd_debugging_mvcc_slow_watcher_total", "Total number of unsynced slow watchers.", slowWatchers);
    counter("etcd_debugging_mvcc_events_total", "Total number of events sent by this member.", eventsSent);
    gaugeOf("etcd_debugging_mvcc_pending_events_total", "Total number of pending events to be sent.", pendingEvents);
  }

  public Histogram walFsync() {
    return walFsync;
  }

  public Histogram backendCommit() {
    return backendCommit;
  }

  public GrpcServerMetrics grpc() {
    return grpc;
  }

  /** The peer reachability series, set by the cluster membership actor. */
  public PeerMetrics peers() {
    return peers;
  }

  /** The state-describing series, from what the Raft and store actors answered for this scrape. */
  public void update(MemberSnapshot s) {
    hasLeader.set(s.hasLeader() ? 1 : 0);
    isLeader.set(s.isLeader() ? 1 : 0);
    isLearner.set(s.isLearner() ? 1 : 0);
    dbTotalSize.set(s.dbSizeBytes());
    dbTotalSizeDebug.set(s.dbSizeBytes());
    dbTotalSizeInUse.set(s.dbSizeInUseBytes());
    currentRevision.set(s.revision());
    compactRevision.set(s.compactRevision());
    proposalsCommitted = s.committedIndex();
    proposalsApplied = s.appliedIndex();
    leaderChanges = s.leaderChanges();
  }

  /** The text exposition (format 0.0.4) of every series. */
  public String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return GoFloat.rewriteSamples(out.toString(java.nio.charset.StandardCharsets.UTF_8));
  }

  private void counter(String name, String help, LongSupplier value) {
    CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong())).register(registry);
  }

  private void gaugeOf(String name, String help, LongSupplier value) {
    GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong())).register(registry);
  }

  private Gauge gauge(String name, String help) {
    return Gauge.builder().name(name).help(help).register(registry);
  }

  private void constant(String name, String help, String label, String value) {
    Gauge.builder().name(name).help(help).labelNames(label).register(registry).labelValues(value).set(1);
  }

  /** What one scrape reports of the member's state. */
  public record MemberSnapshot(boolean hasLeader, boolean isLeader, boolean isLearner, long revision,
      long compactRevision, long dbSizeBytes, long dbSizeInUseBytes, long committedIndex,
      long appliedIndex, long leaderChanges) {}
}
