package io.akkaetcd.mvcc;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the MVCC store has done, counted as etcd's mvcc package counts it (metrics_txn.go): per
 * read or write "transaction" its ranges, puts and deletes, and one txn when it did more than one of
 * them. A put that reads the old value (prev_kv, ignore_value, ignore_lease) and a delete with prev_kv
 * range too, as etcd's applier does. Outlives the store it counts for: a snapshot install reopens the
 * store over the same counters, as etcd's are process-wide. Written by the store's owner, read by scrapes.
 */
public final class MvccCounters {
  private final LongAdder ranges = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder deletes = new LongAdder();
  private final LongAdder txns = new LongAdder();
  private final LongAdder putBytes = new LongAdder();
  private final LongAdder compactedKeys = new LongAdder();
  /** Live keys (etcd_debugging_mvcc_keys_total): set by a restore, moved by puts and deletes. */
  private volatile long keys;
  private volatile Durations durations = Durations.NONE;

  /**
   * How long the store's compactions and hashes took, reported to whoever keeps etcd's histograms of
   * them (the member's metrics); nanoseconds.
   */
  public interface Durations {
    /** The index walk of one compaction (etcd's index_compaction_pause_duration_milliseconds). */
    void indexCompaction(long nanos);

    /**
     * One whole compaction, index walk and backend deletes (etcd's db_compaction_total and, as the
     * store does it in one step, its one pause).
     */
    void compaction(long nanos);

    /** Maintenance.Hash over every bucket (etcd_mvcc_hash_duration_seconds). */
    void hash(long nanos);

    /** HashKV at a revision (etcd_mvcc_hash_rev_duration_seconds). */
    void hashByRev(long nanos);

    Durations NONE = new Durations() {
      @Override
      public void indexCompaction(long nanos) {}

      @Override
      public void compaction(long nanos) {}

      @Override
      public void hash(long nanos) {}

      @Override
      public void hashByRev(long nanos) {}
    };
  }

  public void reportDurationsTo(Durations to) {
    durations = to;
  }

  public Durations durations() {
    return durations;
  }

  public long ranges() {
    return ranges.sum();
  }

  public long puts() {
    return puts.sum();
  }

  public long deletes() {
    return deletes.sum();
  }

  public long txns() {
    return txns.sum();
  }

  /** Key plus value bytes of every put (etcd_debugging_mvcc_total_put_size_in_bytes). */
  public long putBytes() {
    return putBytes.sum();
  }

  /** Revisions removed from the key bucket by compactions (etcd_debugging_mvcc_db_compaction_keys_total). */
  public long compactedKeys() {
    return compactedKeys.sum();
  }

  public long keys() {
    return keys;
  }

  void setKeys(long live) {
    keys = live;
  }

  void compacted(long revisions) {
    compactedKeys.add(revisions);
  }

  /** One etcd read or write transaction's tally, added to the counters when it ends. */
  final class Tally {
    private int tallyRanges;
    private int tallyPuts;
    private int tallyDeletes;

    void range() {
      tallyRanges++;
    }

    void put(int bytes) {
      tallyPuts++;
      putBytes.add(bytes);
    }

    void delete() {
      tallyDeletes++;
    }

    void end() {
      if (tallyRanges + tallyPuts + tallyDeletes > 1) {
        txns.increment();
      }
      ranges.add(tallyRanges);
      puts.add(tallyPuts);
      deletes.add(tallyDeletes);
      tallyRanges = tallyPuts = tallyDeletes = 0;
    }
  }

  Tally tally() {
    return new Tally();
  }
}
