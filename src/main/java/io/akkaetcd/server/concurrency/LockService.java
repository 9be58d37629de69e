package io.akkaetcd.server.concurrency;

import com.google.protobuf.ByteString;
import io.akkaetcd.auth.Caller;
import io.akkaetcd.api.Lock;
import io.akkaetcd.api.LockRequest;
import io.akkaetcd.api.LockResponse;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.TxnRequest;
import io.akkaetcd.api.UnlockRequest;
import io.akkaetcd.api.UnlockResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * v3lockpb.Lock, as etcd's v3lock serves it with clientv3/concurrency's Mutex: the lock's key is
 * {@code name/<lease id in hex>}, put with the caller's lease if absent; the caller holds the lock
 * once every key under {@code name/} created before its own is gone. Unlock deletes the key.
 */
public final class LockService implements Lock {
  /** clientv3/concurrency's ErrSessionExpired: the lease died while waiting. */
  static final String SESSION_EXPIRED = "session expired";

  private final KvOps kv;

  LockService(KvOps kv) {
    this.kv = kv;
  }

  public static LockService create(io.akkaetcd.server.StoreClient store, io.akkaetcd.api.Watch watch,
      akka.stream.Materializer materializer, io.akkaetcd.server.auth.AuthGate auth) {
    return new LockService(new KvOps(store, watch, materializer, auth));
  }

  @Override
  public CompletionStage<LockResponse> lock(LockRequest in) {
    return lock(in, Caller.ANONYMOUS);
  }

  public CompletionStage<LockResponse> lock(LockRequest in, Caller caller) {
    KvOps kv;
    try {
      kv = this.kv.as(caller);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return lock(in, kv);
  }

  private CompletionStage<LockResponse> lock(LockRequest in, KvOps kv) {
    ByteString prefix = in.getName().concat(ByteString.copyFromUtf8("/"));
    ByteString myKey = prefix.concat(ByteString.copyFromUtf8(Long.toHexString(in.getLease())));
    RangeRequest mine = RangeRequest.newBuilder().setKey(myKey).build();
    TxnRequest txn = TxnRequest.newBuilder()
        .addCompare(KvOps.createRevisionIs(myKey, 0))
        .addSuccess(KvOps.put(myKey, ByteString.EMPTY, in.getLease()))
        .addSuccess(KvOps.get(KvOps.firstCreated(prefix)))
        .addFailure(KvOps.get(mine))
        .addFailure(KvOps.get(KvOps.firstCreated(prefix)))
        .build();
    return kv.txn(txn).thenCompose(r -> {
      long myRev = r.getSucceeded() ? r.getHeader().getRevision()
          : r.getResponses(0).getResponseRange().getKvs(0).getCreateRevision();
      var owner = r.getResponses(1).getResponseRange();
      if (owner.getKvsCount() == 0 || owner.getKvs(0).getCreateRevision() == myRev) {
        return CompletableFuture.completedFuture(
            LockResponse.newBuilder().setHeader(r.getHeader()).setKey(myKey).build());
      }
      return kv.waitDeletes(prefix, myRev - 1).thenCompose(header -> kv.range(mine).thenApply(check -> {
        if (check.getKvsCount() == 0) {
          throw new IllegalStateException(SESSION_EXPIRED);
        }
        return LockResponse.newBuilder().setHeader(header).setKey(myKey).build();
      }));
    });
  }

  @Override
  public CompletionStage<UnlockResponse> unlock(UnlockRequest in) {
    return unlock(in, Caller.ANONYMOUS);
  }

  public CompletionStage<UnlockResponse> unlock(UnlockRequest in, Caller caller) {
    KvOps kv;
    try {
      kv = this.kv.as(caller);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return unlock(in, kv);
  }

  private CompletionStage<UnlockResponse> unlock(UnlockRequest in, KvOps kv) {
    return kv.delete(in.getKey()).thenApply(r -> UnlockResponse.newBuilder().setHeader(r.getHeader()).build());
  }
}
