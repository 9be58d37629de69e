package io.akkaetcd.server;

import io.akkaetcd.api.AlarmRequest;
import io.akkaetcd.api.AlarmType;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.store.Quota;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * etcd's quotaKVServer and quotaLeaseServer: a put, a txn with puts or a lease grant that would take
 * this member's backend past --quota-backend-bytes is refused with "database space exceeded", after
 * this member has raised a NOSPACE alarm through Raft (and waited for it, as etcd does), which caps
 * the whole cluster until someone disarms it.
 */
public final class SpaceQuota {
  private final long quotaBytes;
  private final LongSupplier dbSizeBytes;
  private final StoreClient store;
  private final long memberId;

  public SpaceQuota(long quotaBytes, LongSupplier dbSizeBytes, StoreClient store, long memberId) {
    this.quotaBytes = quotaBytes;
    this.dbSizeBytes = dbSizeBytes;
    this.store = store;
    this.memberId = memberId;
  }

  /** A quota that lets everything through, for services tested without one. */
  public static SpaceQuota none() {
    return new SpaceQuota(-1, () -> 0, null, 0);
  }

  /** Runs {@code request} if a request of {@code cost} bytes fits; otherwise raises the alarm and fails. */
  public <T> CompletionStage<T> guard(int cost, Supplier<CompletionStage<T>> request) {
    if (Quota.fits(quotaBytes, dbSizeBytes.getAsLong(), cost)) {
      return request.get();
    }
    AlarmRequest alarm = AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.ACTIVATE)
        .setMemberID(memberId).setAlarm(AlarmType.NOSPACE).build();
    CompletableFuture<T> refused = new CompletableFuture<>();
    store.propose(InternalRaftRequest.newBuilder().setAlarm(alarm).build())
        .whenComplete((ok, failure) -> refused.completeExceptionally(EtcdError.NO_SPACE.exception()));
    return refused;
  }
}
