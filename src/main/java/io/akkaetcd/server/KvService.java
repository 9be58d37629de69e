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
import io.akkaetcd.mvcc.MvccStore;
import io.akkaetcd.store.Quota;
import java.util.concurrent.CompletionStage;

/** etcdserverpb.KV: checks requests as etcd's API layer does, then hands them to the store. */
public final class KvService implements KV {
  private final StoreClient store;
  private final int maxTxnOps;
  private final SpaceQuota quota;

  public KvService(StoreClient store, int maxTxnOps, SpaceQuota quota) {
    this.store = store;
    this.maxTxnOps = maxTxnOps;
    this.quota = quota;
  }

  @Override
  public CompletionStage<RangeResponse> range(RangeRequest in) {
    MvccStore.validateRange(in);
    return store.range(in);
  }

  @Override
  public CompletionStage<PutResponse> put(PutRequest in) {
    MvccStore.validatePut(in);
    return quota.guard(Quota.cost(in), () -> store.propose(InternalRaftRequest.newBuilder().setPut(in).build()));
  }

  @Override
  public CompletionStage<DeleteRangeResponse> deleteRange(DeleteRangeRequest in) {
    MvccStore.validateDeleteRange(in);
    return store.propose(InternalRaftRequest.newBuilder().setDeleteRange(in).build());
  }

  @Override
  public CompletionStage<TxnResponse> txn(TxnRequest in) {
    MvccStore.validateTxn(in, maxTxnOps);
    return quota.guard(Quota.cost(in), () -> store.propose(InternalRaftRequest.newBuilder().setTxn(in).build()));
  }

  @Override
  public CompletionStage<CompactionResponse> compact(CompactionRequest in) {
    return store.propose(InternalRaftRequest.newBuilder().setCompaction(in).build());
  }
}
