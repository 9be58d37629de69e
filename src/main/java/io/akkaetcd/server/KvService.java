package io.akkaetcd.server;

import io.akkaetcd.api.CompactionRequest;
import io.akkaetcd.api.CompactionResponse;
import io.akkaetcd.api.DeleteRangeRequest;
import io.akkaetcd.api.DeleteRangeResponse;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.KV;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.PutResponse;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RangeResponse;
import io.akkaetcd.api.TxnRequest;
import io.akkaetcd.api.TxnResponse;
import io.akkaetcd.auth.AuthInfo;
import io.akkaetcd.auth.Caller;
import io.akkaetcd.mvcc.MvccStore;
import io.akkaetcd.server.auth.AuthGate;
import io.akkaetcd.store.Quota;
import java.util.concurrent.CompletionStage;

/** etcdserverpb.KV: checks requests as etcd's API layer does, then hands them to the store. */
public final class KvService implements KV {
  private final StoreClient store;
  private final int maxTxnOps;
  private final SpaceQuota quota;
  private final AuthGate auth;

  public KvService(StoreClient store, int maxTxnOps, SpaceQuota quota, AuthGate auth) {
    this.auth = auth;
    this.store = store;
    this.maxTxnOps = maxTxnOps;
    this.quota = quota;
  }

  /** Reads are checked here, on the member serving them, as etcd's doSerialize checks them. */
  public CompletionStage<RangeResponse> range(RangeRequest in, Caller caller) {
    MvccStore.validateRange(in);
    AuthInfo who = auth.identify(caller);
    auth.view().checkRead(who, in.getKey(), in.getRangeEnd());
    return store.range(in).thenApply(r -> {
      auth.checkStillCurrent(who);
      return r;
    });
  }

  /** Writes are checked as every member applies them, against the user and revision they carry. */
  public CompletionStage<PutResponse> put(PutRequest in, Caller caller) {
    MvccStore.validatePut(in);
    AuthInfo who = auth.identify(caller);
    return quota.guard(Quota.cost(in), () -> store.propose(InternalRaftRequest.newBuilder().setPut(in).build(), who));
  }

  public CompletionStage<DeleteRangeResponse> deleteRange(DeleteRangeRequest in, Caller caller) {
    MvccStore.validateDeleteRange(in);
    return store.propose(InternalRaftRequest.newBuilder().setDeleteRange(in).build(), auth.identify(caller));
  }

  public CompletionStage<TxnResponse> txn(TxnRequest in, Caller caller) {
    MvccStore.validateTxn(in, maxTxnOps);
    AuthInfo who = auth.identify(caller);
    return quota.guard(Quota.cost(in), () -> store.propose(InternalRaftRequest.newBuilder().setTxn(in).build(), who));
  }

  /** etcd (3.4 and 3.5) checks no permission for a compaction; the caller's token must still be valid. */
  public CompletionStage<CompactionResponse> compact(CompactionRequest in, Caller caller) {
    return store.propose(InternalRaftRequest.newBuilder().setCompaction(in).build(), auth.identify(caller));
  }

  @Override
  public CompletionStage<RangeResponse> range(RangeRequest in) {
    return range(in, Caller.ANONYMOUS);
  }

  @Override
  public CompletionStage<PutResponse> put(PutRequest in) {
    return put(in, Caller.ANONYMOUS);
  }

  @Override
  public CompletionStage<DeleteRangeResponse> deleteRange(DeleteRangeRequest in) {
    return deleteRange(in, Caller.ANONYMOUS);
  }

  @Override
  public CompletionStage<TxnResponse> txn(TxnRequest in) {
    return txn(in, Caller.ANONYMOUS);
  }

  @Override
  public CompletionStage<CompactionResponse> compact(CompactionRequest in) {
    return compact(in, Caller.ANONYMOUS);
  }
}
