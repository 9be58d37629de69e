package io.akkaetcd.server.lease;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.LeaseRevokeRequest;
import io.akkaetcd.api.LeaseStatus;
import io.akkaetcd.api.LeaseLeasesResponse;
import io.akkaetcd.auth.AuthInfo;
import io.akkaetcd.server.StoreClient;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's lease reaper (etcd's revokeExpiredLeases loop): on each tick, if this member leads, it
 * asks the lessor for up to {@link #REVOKES_PER_TICK} expired leases and proposes a {@code lease_revoke}
 * for each through {@link StoreClient#propose}, the path every replicated change takes. The lessor does
 * not report a lease again for its retry interval, so a slow revoke is not proposed twice meanwhile.
 */
public final class LeaseExpiryActor {
  /** etcd's default lease revoke rate is 1000/s and it checks every 500 ms. */
  static final int REVOKES_PER_TICK = 500;

  private static final Logger log = LoggerFactory.getLogger(LeaseExpiryActor.class);

  private enum Tick { INSTANCE }

  private LeaseExpiryActor() {}

  public static Behavior<Object> create(StoreClient store, Leadership leadership, Duration every) {
    return create(store, leadership, every, () -> AuthInfo.NONE);
  }

  /**
   * @param asRoot on whose behalf revokes are proposed: with auth on, etcd's lessor revokes as root
   *     (its WithRoot), since a revoke needs write permission on every key of the lease
   */
  public static Behavior<Object> create(StoreClient store, Leadership leadership, Duration every,
      java.util.function.Supplier<AuthInfo> asRoot) {
    return Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, every, every);
      return Behaviors.receiveMessage(msg -> {
        if (msg == Tick.INSTANCE && leadership.isLeader()) {
          store.<LeaseLeasesResponse>query(applier -> {
                LeaseLeasesResponse.Builder ids = LeaseLeasesResponse.newBuilder();
                applier.leases().expired(REVOKES_PER_TICK)
                    .forEach(id -> ids.addLeases(LeaseStatus.newBuilder().setID(id)));
                return ids.build();
              })
              .thenAccept(expired -> expired.getLeasesList().forEach(lease -> revoke(store, lease.getID(), asRoot.get())));
        }
        return Behaviors.same();
      });
    });
  }

  private static void revoke(StoreClient store, long id, AuthInfo asRoot) {
    store.propose(InternalRaftRequest.newBuilder()
            .setLeaseRevoke(LeaseRevokeRequest.newBuilder().setID(id)).build(), asRoot)
        .whenComplete((ok, failure) -> {
          if (failure != null) {
            log.debug("revoking expired lease {} failed: {}", Long.toHexString(id), failure.getMessage());
          }
        });
  }
}
