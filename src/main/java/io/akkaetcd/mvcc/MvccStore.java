package io.akkaetcd.mvcc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.akkaetcd.api.Compare;
import io.akkaetcd.api.CompactionRequest;
import io.akkaetcd.api.CompactionResponse;
import io.akkaetcd.api.DeleteRangeRequest;
import io.akkaetcd.api.DeleteRangeResponse;
import io.akkaetcd.api.Event;
import io.akkaetcd.api.KeyValue;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.PutResponse;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RangeResponse;
import io.akkaetcd.api.RequestOp;
import io.akkaetcd.api.ResponseHeader;
import io.akkaetcd.api.ResponseOp;
import io.akkaetcd.api.TxnRequest;
import io.akkaetcd.api.TxnResponse;
import io.akkaetcd.errors.EtcdError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * etcd's multi-version key-value store, pure: no Akka, no I/O of its own (all storage through a
 * {@link Backend}), no clock. Not thread-safe: one owner (the store actor) calls it.
 *
 * <p>Responses carry a header with only {@code revision} set; the server adds cluster and member ids.
 * Client errors are thrown as {@link io.akkaetcd.errors.EtcdException}.
 *
 * <p>Writes are staged: each write request is applied to the in-memory index at once and its backend
 * writes are kept pending (reads see them) until {@link #commit(boolean)}, so a caller can group many
 * requests into one synced backend write and acknowledge them together afterwards.
 *
 * <p>Invariants: the index holds only revisions (never values); a value is read by revision from the
 * pending overlay or the backend. Every write request takes main revision {@code currentRevision()+1}
 * and numbers its changes with sub revisions 0, 1, 2...; it bumps the revision only if it changed
 * something. A request that fails with a client error has changed nothing.
 */
public final class MvccStore {
  private final LeaseHooks leases;
  private final MvccCounters counters;
  private final TreeIndex index = new TreeIndex();
  private final PendingWrites pending;
  /** Live keys that hold a lease (etcd's lessor keeps this map; here it saves a read per put). */
  private final Map<ByteString, Long> leaseOfKey = new HashMap<>();
  private Consumer<List<Event>> sink = events -> {};
  /**
   * Whether a put's event carries the key's previous value: reading it is a backend get and a parse
   * per overwrite, which only watchers with prev_kv need (etcd's watch server reads it at send time).
   * Without it, an overwrite's PUT event has no prev_kv; see {@link #lacksPrevKv}.
   */
  private boolean eventsCarryPrevKv = true;

  private long currentRev = 1;
  /** -1 until the first compaction, as etcd's compactMainRev: compact(0) is then allowed. */
  private long compactRev = -1;
  private boolean metaDirty;

  /** Raft index of the last applied entry; staged like any write so it lands atomically with them. */
  private long consistentIndex;

  /** Changes the write in progress has made; its main revision is currentRev + 1. */
  private int changes;
  private List<Event> events = new ArrayList<>();
  /** What the request in progress has ranged, put and deleted, for {@link MvccCounters}. */
  private MvccCounters.Tally tally;
  /** Keys whose newest generation is not deleted. */
  private long liveKeys;

  private MvccStore(Backend backend, LeaseHooks leases, MvccCounters counters) {
    this.leases = leases;
    this.counters = counters;
    this.tally = counters.tally();
    this.pending = new PendingWrites(backend);
  }

  /** Opens the store over {@code backend}, rebuilding the key index from what it holds. */
  public static MvccStore open(Backend backend, LeaseHooks leases) {
    return open(backend, leases, new MvccCounters());
  }

  /** The same, counting into {@code counters} (which a reopened store keeps counting into). */
  public static MvccStore open(Backend backend, LeaseHooks leases, MvccCounters counters) {
    MvccStore store = new MvccStore(backend, leases, counters);
    store.restore(backend);
    counters.setKeys(store.liveKeys);
    return store;
  }

  /** The newest revision; 1 on a fresh store. */
  public long currentRevision() {
    return currentRev;
  }

  /** Revisions below this have been compacted (it is itself readable); 0 if never compacted. */
  public long compactRevision() {
    return Math.max(0, compactRev);
  }

  // ---- requests ----

  public RangeResponse range(RangeRequest request) {
    try {
      return rangeAt(request, readRevision());
    } finally {
      tally.end();
    }
  }

  public PutResponse put(PutRequest request) {
    try {
      checkLeaseExists(request.getLease());
      beginWrite();
      PutResponse.Builder response = applyPut(request);
      endWrite();
      return response.setHeader(header(currentRev)).build();
    } finally {
      tally.end();
    }
  }

  public DeleteRangeResponse deleteRange(DeleteRangeRequest request) {
    try {
      beginWrite();
      DeleteRangeResponse.Builder response = applyDeleteRange(request);
      endWrite();
      return response.setHeader(header(currentRev)).build();
    } finally {
      tally.end();
    }
  }

  /** What this store (and the ones it replaced) counted. */
  public MvccCounters counters() {
    return counters;
  }

  /**
   * As etcd's applierV3backend.Txn: every compare (nested ones too) is judged against the store as it
   * was before the txn, and every op the chosen path will run is checked, before anything is written.
   * All writes share one main revision; ops see the writes of the ops before them.
   */
  public TxnResponse txn(TxnRequest request) {
    try {
      List<Boolean> path = new ArrayList<>();
      choosePath(request, path);
      boolean writes = TxnPaths.writes(request);
      if (writes) {
        // etcd judges the compares in a read transaction of their own, then writes in another
        tally.end();
        TxnPaths.forEachChosenOp(request, path, this::checkPutInTxn);
      }
      TxnPaths.forEachChosenOp(request, path, this::checkRangeInTxn);
      beginWrite();
      TxnResponse.Builder response = applyTxn(request, path.iterator());
      endWrite();
      return response.setHeader(header(currentRev)).build();
    } finally {
      tally.end();
    }
  }

  /**
   * Drops history at or below {@code revision}, keeping each key's newest revision unless it is a
   * tombstone (etcd's keyIndex.compact). Done at once, index and backend (as pending deletes).
   */
  public CompactionResponse compact(CompactionRequest request) {
    long rev = request.getRevision();
    if (rev <= compactRev) {
      throw EtcdError.COMPACTED.exception();
    }
    if (rev > currentRev) {
      throw EtcdError.FUTURE_REV.exception();
    }
    compactRev = rev;
    long[] removed = {0};
    index.compact(rev, (key, main, sub, tombstone) -> {
      removed[0]++;
      pending.deleteRevision(key, main, sub, tombstone);
    });
    counters.compacted(removed[0]);
    metaDirty = true;
    return CompactionResponse.newBuilder().setHeader(header(currentRev)).build();
  }

  /**
   * etcd's HashByRev over the committed key bucket at {@code rev} (0: the current revision); fails as
   * etcd does for a compacted or future revision. Flushes pending writes first, unsynced.
   */
  public KvHash.Result hashKv(long rev) {
    if (rev > 0 && rev <= compactRev) {
      throw EtcdError.COMPACTED.exception();
    }
    if (rev > 0 && rev > currentRev) {
      throw EtcdError.FUTURE_REV.exception();
    }
    long at = rev == 0 ? currentRev : rev;
    commit(false);
    int hash = KvHash.hash(pending.backend(), at, compactRev, index.keep(at));
    return new KvHash.Result(hash, currentRev, compactRev);
  }

  /**
   * Bytes the key bucket would take in etcd's bolt file: revision keys, values and an element header
   * each, pending writes included. Compaction lowers it at once (bolt frees the pages at once too).
   */
  public long keyBucketBytes() {
    return pending.keyBucketBytes();
  }

  /** The Raft index of the last entry applied to this store (0 before any). */
  public long consistentIndex() {
    return consistentIndex;
  }

  /**
   * Records that the entry at {@code raftIndex} has been applied. It is written in the same batch as the
   * entry's changes, so after a crash the store knows exactly which entries to re-apply.
   */
  public void setConsistentIndex(long raftIndex) {
    consistentIndex = raftIndex;
    pending.putMeta(BackendLayout.META_CONSISTENT_INDEX, raftIndex);
  }

  /**
   * Puts {@code name} -> {@code value} in another bucket of the {@link Schema} (alarms, members, meta),
   * in the pending batch: it reaches the backend with the consistent index of the entry being applied.
   */
  public void putInBucket(Schema.Bucket bucket, byte[] name, byte[] value) {
    pending.putRaw(bucket.key(name), value);
  }

  public void deleteInBucket(Schema.Bucket bucket, byte[] name) {
    pending.deleteRaw(bucket.key(name));
  }

  /** Writes every pending change to the backend in one batch; with {@code sync}, durably. */
  public void commit(boolean sync) {
    if (metaDirty) {
      pending.putMeta(BackendLayout.META_CURRENT_REVISION, currentRev);
      if (compactRev >= 0) {
        pending.putMeta(BackendLayout.META_COMPACT_REVISION, compactRev);
      }
      metaDirty = false;
    }
    pending.flush(sync);
  }

  /** True if writes wait for {@link #commit(boolean)}. */
  public boolean hasPendingWrites() {
    return metaDirty || !pending.isEmpty();
  }

  /**
   * The events of revisions {@code fromRev..toRev} (inclusive) on keys {@code wanted} accepts, in
   * revision order, read from the backend: every revision asked for must be committed (the store
   * actor asks only for revisions it has flushed) and not below {@link #compactRevision()} (the
   * caller checks: compacted history is silently incomplete). With {@code prevKv}, each event that is
   * not a create carries the key's value before it.
   */
  public List<Event> eventsBetween(long fromRev, long toRev, java.util.function.Predicate<ByteString> wanted,
      boolean prevKv) {
    return EventHistory.between(pending, index, fromRev, toRev, wanted, prevKv);
  }

  /** Stages a lease's persistent state in the lease bucket, written with the next commit. */
  public void saveLease(long id, long ttlSeconds, long remainingTtlSeconds) {
    pending.putRaw(BackendLayout.leaseKey(id), LeaseBucket.encode(ttlSeconds, remainingTtlSeconds));
  }

  /** Stages the removal of a lease from the lease bucket. */
  public void removeLease(long id) {
    pending.deleteRaw(BackendLayout.leaseKey(id));
  }

  /**
   * Whether the PUT events of later writes carry prev_kv (true until told otherwise). DELETE events
   * always do: a delete reads the doomed values anyway.
   */
  public void setEventsCarryPrevKv(boolean carry) {
    eventsCarryPrevKv = carry;
  }

  /**
   * True for an event written while {@link #setEventsCarryPrevKv} was off that would have carried
   * prev_kv: an overwrite (a PUT of version above 1) without one. Its previous value is still in the
   * history, at {@code mod_revision - 1}, for a watcher that wants it.
   */
  public static boolean lacksPrevKv(Event event) {
    return event.getType() == Event.EventType.PUT && event.getKv().getVersion() > 1 && !event.hasPrevKv();
  }

  /** Receives the events of every write revision, in revision order, as each write is applied. */
  public void onEvents(Consumer<List<Event>> sink) {
    this.sink = sink;
  }

  // ---- request checks of etcd's gRPC layer (they need no store) ----

  /** True if the txn puts or deletes in any branch, at any depth (etcd's !isTxnReadonly). */
  public static boolean writes(TxnRequest request) {
    return TxnPaths.writes(request);
  }

  /** etcd's checkTxnRequest and checkIntervals: op counts, empty keys, keys written twice. */
  public static void validateTxn(TxnRequest request, int maxTxnOps) {
    RequestChecks.checkTxn(request, maxTxnOps);
  }

  public static void validatePut(PutRequest request) {
    RequestChecks.checkPut(request);
  }

  public static void validateRange(RangeRequest request) {
    RequestChecks.checkRange(request);
  }

  public static void validateDeleteRange(DeleteRangeRequest request) {
    RequestChecks.checkDeleteRange(request);
  }

  // ---- for tests in this package ----

  /** The generations of {@code key} in the index, oldest first; null if the index does not hold it. */
  List<List<Revision>> generations(ByteString key) {
    return index.generations(key);
  }

  int indexedKeys() {
    return index.size();
  }

  // ---- reads ----

  /** The revision reads see: the current one, or the one being written once the write changed something. */
  private long readRevision() {
    return changes > 0 ? currentRev + 1 : currentRev;
  }

  private RangeResponse rangeAt(RangeRequest r, long current) {
    tally.range();
    long rev = r.getRevision();
    if (rev > current) {
      throw EtcdError.FUTURE_REV.exception();
    }
    if (rev <= 0) {
      rev = current;
    }
    if (rev < compactRev) {
      throw EtcdError.COMPACTED.exception();
    }
    ByteString end = gteEnd(r.getRangeEnd());
    RangeResponse.Builder response = RangeResponse.newBuilder().setHeader(header(current));
    if (r.getCountOnly()) {
      return response.setCount(index.count(r.getKey(), end, rev)).build();
    }
    TreeIndex.Revisions found = index.revisions(r.getKey(), end, rev, RangeResults.fetchLimit(r));
    List<KeyValue> kvs = new ArrayList<>(found.found().size());
    for (TreeIndex.KeyRevision kr : found.found()) {
      kvs.add(valueOf(kr.found()));
    }
    RangeResults.filter(r, kvs);
    RangeResults.sort(r, kvs);
    if (r.getLimit() > 0 && kvs.size() > r.getLimit()) {
      kvs = kvs.subList(0, (int) r.getLimit());
      response.setMore(true);
    }
    for (KeyValue kv : kvs) {
      response.addKvs(r.getKeysOnly() ? kv.toBuilder().clearValue().build() : kv);
    }
    return response.setCount(found.total()).build();
  }

  /** The live key-values of a range at the read revision, all of them, in key order. */
  private List<KeyValue> liveRange(ByteString key, ByteString end) {
    TreeIndex.Revisions found = index.revisions(key, end, readRevision(), 0);
    List<KeyValue> kvs = new ArrayList<>(found.found().size());
    for (TreeIndex.KeyRevision kr : found.found()) {
      kvs.add(valueOf(kr.found()));
    }
    return kvs;
  }

  private KeyValue valueOf(KeyIndex.Found f) {
    byte[] bytes = pending.valueAt(f.main(), f.sub());
    if (bytes == null) {
      throw new IllegalStateException("index points at revision " + f.main() + "." + f.sub()
          + " which the backend does not hold");
    }
    try {
      return KeyValue.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt value at revision " + f.main() + "." + f.sub(), e);
    }
  }

  // ---- writes ----

  private void beginWrite() {
    changes = 0;
    events = new ArrayList<>();
  }

  private void endWrite() {
    if (changes > 0) {
      currentRev++;
      metaDirty = true;
      List<Event> done = List.copyOf(events);
      changes = 0;
      events = new ArrayList<>();
      sink.accept(done);
    }
  }

  private PutResponse.Builder applyPut(PutRequest r) {
    ByteString key = r.getKey();
    if (r.getPrevKv() || r.getIgnoreValue() || r.getIgnoreLease()) {
      tally.range();
    }
    KeyIndex.Found before = index.get(key, readRevision());
    boolean needPrev = eventsCarryPrevKv || r.getPrevKv() || r.getIgnoreValue() || r.getIgnoreLease();
    KeyValue prev = before == null || !needPrev ? null : valueOf(before);
    if ((r.getIgnoreValue() || r.getIgnoreLease()) && prev == null) {
      throw EtcdError.KEY_NOT_FOUND.exception();
    }
    ByteString value = r.getIgnoreValue() ? prev.getValue() : r.getValue();
    long lease = r.getIgnoreLease() ? prev.getLease() : r.getLease();

    long main = currentRev + 1;
    long sub = changes++;
    KeyValue kv = KeyValue.newBuilder()
        .setKey(key)
        .setValue(value)
        .setCreateRevision(before == null ? main : before.createRevision())
        .setModRevision(main)
        .setVersion(before == null ? 1 : before.version() + 1)
        .setLease(lease)
        .build();
    pending.putRevision(main, sub, false, kv.toByteArray());
    index.put(key, main, sub);
    tally.put(key.size() + value.size());
    if (before == null) {
      counters.setKeys(++liveKeys);
    }
    moveLease(key, lease);
    Event.Builder event = Event.newBuilder().setType(Event.EventType.PUT).setKv(kv);
    if (prev != null) {
      event.setPrevKv(prev);
    }
    events.add(event.build());

    PutResponse.Builder response = PutResponse.newBuilder().setHeader(header(readRevision()));
    if (r.getPrevKv() && prev != null) {
      response.setPrevKv(prev);
    }
    return response;
  }

  private DeleteRangeResponse.Builder applyDeleteRange(DeleteRangeRequest r) {
    if (r.getPrevKv()) {
      tally.range();
    }
    tally.delete();
    List<KeyValue> doomed = liveRange(r.getKey(), gteEnd(r.getRangeEnd()));
    DeleteRangeResponse.Builder response = DeleteRangeResponse.newBuilder();
    for (KeyValue prev : doomed) {
      long main = currentRev + 1;
      long sub = changes++;
      ByteString key = prev.getKey();
      pending.putRevision(main, sub, true, KeyValue.newBuilder().setKey(key).build().toByteArray());
      index.tombstone(key, main, sub);
      moveLease(key, 0);
      events.add(Event.newBuilder()
          .setType(Event.EventType.DELETE)
          .setKv(KeyValue.newBuilder().setKey(key).setModRevision(main))
          .setPrevKv(prev)
          .build());
      if (r.getPrevKv()) {
        response.addPrevKvs(prev);
      }
    }
    liveKeys -= doomed.size();
    counters.setKeys(liveKeys);
    return response.setDeleted(doomed.size()).setHeader(header(readRevision()));
  }

  /** Keeps the lessor's view of which key holds which lease in step; {@code lease} 0 is none. */
  private void moveLease(ByteString key, long lease) {
    Long held = leaseOfKey.get(key);
    long old = held == null ? 0 : held;
    if (old == lease) {
      return;
    }
    if (old != 0) {
      leases.detach(old, key);
      leaseOfKey.remove(key);
    }
    if (lease != 0) {
      leases.attach(lease, key);
      leaseOfKey.put(key, lease);
    }
  }

  private void checkLeaseExists(long lease) {
    if (lease != 0 && !leases.exists(lease)) {
      throw EtcdError.LEASE_NOT_FOUND.exception();
    }
  }

  // ---- txn ----

  /** Appends, depth first, whether each txn on the path taken succeeds (etcd's compareToPath). */
  private void choosePath(TxnRequest r, List<Boolean> path) {
    boolean succeeded = true;
    for (Compare c : r.getCompareList()) {
      tally.range();
      if (!Compares.holds(c, liveRange(c.getKey(), gteEnd(c.getRangeEnd())))) {
        succeeded = false;
        break;
      }
    }
    path.add(succeeded);
    for (RequestOp op : succeeded ? r.getSuccessList() : r.getFailureList()) {
      if (op.hasRequestTxn()) {
        choosePath(op.getRequestTxn(), path);
      }
    }
  }

  /** etcd's checkRequestPut: a put that needs the old value needs the key; a named lease must exist. */
  private void checkPutInTxn(RequestOp op) {
    if (!op.hasRequestPut()) {
      return;
    }
    PutRequest put = op.getRequestPut();
    if ((put.getIgnoreValue() || put.getIgnoreLease()) && !index.isLive(put.getKey())) {
      throw EtcdError.KEY_NOT_FOUND.exception();
    }
    checkLeaseExists(put.getLease());
  }

  /** etcd's checkRequestRange: the revision must be neither in the future nor compacted. */
  private void checkRangeInTxn(RequestOp op) {
    if (!op.hasRequestRange()) {
      return;
    }
    long rev = op.getRequestRange().getRevision();
    if (rev == 0) {
      return;
    }
    if (rev > currentRev) {
      throw EtcdError.FUTURE_REV.exception();
    }
    if (rev < compactRev) {
      throw EtcdError.COMPACTED.exception();
    }
  }

  /** Runs the chosen branch. A nested txn's header stays empty, as etcd leaves it. */
  private TxnResponse.Builder applyTxn(TxnRequest r, java.util.Iterator<Boolean> path) {
    boolean succeeded = path.next();
    TxnResponse.Builder response = TxnResponse.newBuilder()
        .setSucceeded(succeeded)
        .setHeader(ResponseHeader.getDefaultInstance());
    for (RequestOp op : succeeded ? r.getSuccessList() : r.getFailureList()) {
      ResponseOp.Builder out = ResponseOp.newBuilder();
      switch (op.getRequestCase()) {
        case REQUEST_RANGE -> out.setResponseRange(rangeAt(op.getRequestRange(), readRevision()));
        case REQUEST_PUT -> out.setResponsePut(applyPut(op.getRequestPut()));
        case REQUEST_DELETE_RANGE -> out.setResponseDeleteRange(applyDeleteRange(op.getRequestDeleteRange()));
        case REQUEST_TXN -> out.setResponseTxn(applyTxn(op.getRequestTxn(), path));
        default -> { } // an empty op: validateTxn rejects it; etcd answers nothing for it either
      }
      response.addResponses(out);
    }
    return response;
  }

  // ---- restore ----

  /**
   * Replays the key bucket in revision order into the index, as etcd's restore does, and tells the
   * lessor which live key holds which lease. The current revision is the newer of the one kept in
   * meta (which survives compacting everything away) and the newest one in the key bucket.
   */
  private void restore(Backend backend) {
    byte[] current = backend.get(BackendLayout.META_CURRENT_REVISION);
    byte[] compacted = backend.get(BackendLayout.META_COMPACT_REVISION);
    if (current != null) {
      currentRev = Math.max(currentRev, BackendLayout.decodeLong(current));
    }
    if (compacted != null) {
      compactRev = BackendLayout.decodeLong(compacted);
    }
    byte[] applied = backend.get(BackendLayout.META_CONSISTENT_INDEX);
    if (applied != null) {
      consistentIndex = BackendLayout.decodeLong(applied);
    }
    backend.scan(BackendLayout.KEY_BUCKET_START, BackendLayout.KEY_BUCKET_END, (k, v) -> {
      Revision rev = BackendLayout.revisionOf(k);
      StoredKey kv = StoredKey.parse(k, v);
      pending.countStored(k, v);
      ByteString key = kv.key();
      if (BackendLayout.isTombstone(k)) {
        if (index.tombstoneIfLive(key, rev.main(), rev.sub())) {
          liveKeys--;
        }
        if (!leaseOfKey.isEmpty()) {
          leaseOfKey.remove(key);
        }
      } else {
        if (!index.restorePut(key, rev.main(), rev.sub(), kv.createRevision(), kv.version())) {
          liveKeys++;
        }
        if (kv.lease() != 0) {
          leaseOfKey.put(key, kv.lease());
        } else if (!leaseOfKey.isEmpty()) {
          leaseOfKey.remove(key);
        }
      }
      currentRev = Math.max(currentRev, rev.main());
    });
    leaseOfKey.forEach((key, lease) -> leases.attach(lease, key));
  }

  // ---- helpers ----

  /** etcd's mkGteRange: no end is one key (null here), "\0" is "to the end" (empty), else [key, end). */
  private static ByteString gteEnd(ByteString rangeEnd) {
    if (rangeEnd.isEmpty()) {
      return null;
    }
    if (rangeEnd.size() == 1 && rangeEnd.byteAt(0) == 0) {
      return ByteString.EMPTY;
    }
    return rangeEnd;
  }

  private static ResponseHeader header(long revision) {
    return ResponseHeader.newBuilder().setRevision(revision).build();
  }
}
