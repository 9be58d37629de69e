package io.akkaetcd.mvcc;

import io.akkaetcd.api.CompactionRequest;
import io.akkaetcd.api.CompactionResponse;
import io.akkaetcd.api.DeleteRangeRequest;
import io.akkaetcd.api.DeleteRangeResponse;
import io.akkaetcd.api.Event;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.PutResponse;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RangeResponse;
import io.akkaetcd.api.TxnRequest;
import io.akkaetcd.api.TxnResponse;
import java.util.List;
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
 */
public final class MvccStore {
  // API contract; the implementation is being written (see issue 2).

  /** Opens the store over {@code backend}, rebuilding the key index from what it holds. */
  public static MvccStore open(Backend backend, LeaseHooks leases) {
    throw new UnsupportedOperationException();
  }

  /** The newest revision; 1 on a fresh store. */
  public long currentRevision() {
    throw new UnsupportedOperationException();
  }

  /** Revisions at or below this have been compacted; 0 if never compacted. */
  public long compactRevision() {
    throw new UnsupportedOperationException();
  }

  public RangeResponse range(RangeRequest request) {
    throw new UnsupportedOperationException();
  }

  public PutResponse put(PutRequest request) {
    throw new UnsupportedOperationException();
  }

  public DeleteRangeResponse deleteRange(DeleteRangeRequest request) {
    throw new UnsupportedOperationException();
  }

  public TxnResponse txn(TxnRequest request) {
    throw new UnsupportedOperationException();
  }

  public CompactionResponse compact(CompactionRequest request) {
    throw new UnsupportedOperationException();
  }

  /** Writes every pending change to the backend in one batch; with {@code sync}, durably. */
  public void commit(boolean sync) {
    throw new UnsupportedOperationException();
  }

  /** Receives the events of every write revision, in revision order, as each write is applied. */
  public void onEvents(Consumer<List<Event>> sink) {
    throw new UnsupportedOperationException();
  }
}
