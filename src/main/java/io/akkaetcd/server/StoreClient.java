package io.akkaetcd.server;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import com.google.protobuf.Message;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.store.Applier;
import io.akkaetcd.store.StoreActor;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** How services reach the store actor: one ask per request. */
public final class StoreClient {
  private final ActorRef<StoreActor.Command> store;
  private final Scheduler scheduler;
  private final Duration timeout;

  public StoreClient(ActorRef<StoreActor.Command> store, Scheduler scheduler, Duration timeout) {
    this.store = store;
    this.scheduler = scheduler;
    this.timeout = timeout;
  }

  @SuppressWarnings("unchecked")
  public <R extends Message> CompletionStage<R> submit(InternalRaftRequest request) {
    return AskPattern.<StoreActor.Command, Message>askWithStatus(
            store, replyTo -> new StoreActor.Apply(request, replyTo), timeout, scheduler)
        .thenApply(m -> (R) m);
  }

  /**
   * A read of state the store actor owns (leases), or a leader-local change (a lease renew), served
   * without the log. The function runs inside the store actor.
   */
  @SuppressWarnings("unchecked")
  public <R extends Message> CompletionStage<R> query(Function<Applier, R> query) {
    return AskPattern.<StoreActor.Command, Message>askWithStatus(
            store, replyTo -> new StoreActor.Query(query::apply, replyTo), timeout, scheduler)
        .thenApply(m -> (R) m);
  }
}
