package io.akkaetcd.server.lease;

import akka.actor.typed.javadsl.AskPattern;
import io.akkaetcd.concurrent.DirectFutures;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.LeaseRevokeRequest;
import io.akkaetcd.cluster.RaftActor;
import io.akkaetcd.raft.Role;
import io.akkaetcd.auth.AuthInfo;
import io.akkaetcd.server.StoreClient;
import io.akkaetcd.store.StoreActor;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's lease reaper (etcd's revokeExpiredLeases loop). On each tick it asks the Raft actor
 * whether this member leads; only if it does, it asks the store actor for up to
 * {@link #REVOKES_PER_TICK} expired leases and proposes a {@code lease_revoke} for each through
 * {@link StoreClient#propose}, the path every replicated change takes. The lessor does not report a
 * lease again for its retry interval, so a slow revoke is not proposed twice meanwhile. A tick that
 * finds the previous round still out is skipped.
 */
public final class LeaseExpiryActor {
  /** etcd's default lease revoke rate is 1000/s and it checks every 500 ms. */
  static final int REVOKES_PER_TICK = 500;

  private static final Logger log = LoggerFactory.getLogger(LeaseExpiryActor.class);

  public sealed interface Command {}

  private enum Tick implements Command { INSTANCE }

  /** The Raft actor's answer: whether this member leads now. */
  private record RoleKnown(boolean leader) implements Command {}

  private record ExpiredFound(List<Long> leaseIds) implements Command {}

  private LeaseExpiryActor() {}

  public static Behavior<Command> create(ActorRef<RaftActor.Command> raft, ActorRef<StoreActor.Command> store,
      StoreClient proposals, Duration every) {
    return create(raft, store, proposals, every, () -> AuthInfo.NONE);
  }

  /**
   * @param asRoot on whose behalf revokes are proposed: with auth on, etcd's lessor revokes as root
   *     (its WithRoot), since a revoke needs write permission on every key of the lease
   */
  public static Behavior<Command> create(ActorRef<RaftActor.Command> raft, ActorRef<StoreActor.Command> store,
      StoreClient proposals, Duration every, java.util.function.Supplier<AuthInfo> asRoot) {
    Duration askTimeout = every.multipliedBy(4);
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, every, every);
      boolean[] busy = {false};
      // Not an ask with a timeout: the Raft actor stashes what comes before its log is recovered, which on a
      // loaded start outlasts any short timeout, and a late answer to an expired ask is a dead letter. This
      // adapter lives as long as the reaper, so the answer always lands; ticks meanwhile are skipped.
      ActorRef<RaftActor.RaftView> roleAdapter = ctx.messageAdapter(RaftActor.RaftView.class,
          view -> new RoleKnown(view.status().role() == Role.LEADER));
      return Behaviors.receive(Command.class)
          .onMessageEquals(Tick.INSTANCE, () -> {
            if (!busy[0]) {
              busy[0] = true;
              // a tell to the adapter: no ctx.ask (a thread per answer, see DirectFutures), no timeout
              raft.tell(new RaftActor.GetStatus(roleAdapter));
            }
            return Behaviors.same();
          })
          .onMessage(RoleKnown.class, known -> {
            if (!known.leader()) {
              busy[0] = false;
            } else {
              ctx.pipeToSelf(DirectFutures.direct(AskPattern.<StoreActor.Command, StoreActor.ExpiredLeasesFound>ask(
                      store, replyTo -> new StoreActor.ExpiredLeases(REVOKES_PER_TICK, replyTo), askTimeout,
                      ctx.getSystem().scheduler())),
                  (found, failure) -> new ExpiredFound(found != null ? found.leaseIds() : List.of()));
            }
            return Behaviors.same();
          })
          .onMessage(ExpiredFound.class, found -> {
            busy[0] = false;
            found.leaseIds().forEach(id -> revoke(proposals, id, asRoot.get()));
            return Behaviors.same();
          })
          .build();
    }));
  }

  private static void revoke(StoreClient proposals, long id, AuthInfo asRoot) {
    proposals.propose(InternalRaftRequest.newBuilder()
            .setLeaseRevoke(LeaseRevokeRequest.newBuilder().setID(id)).build(), asRoot)
        .whenComplete((ok, failure) -> {
          if (failure != null) {
            log.debug("revoking expired lease {} failed: {}", Long.toHexString(id), failure.getMessage());
          }
        });
  }
}
