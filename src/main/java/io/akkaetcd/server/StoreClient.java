package io.akkaetcd.server;

import io.akkaetcd.concurrent.DirectFutures;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import com.google.protobuf.Message;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.store.StoreActor;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

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
    CompletionStage<Message> reply = AskPattern.askWithStatus(
        store, replyTo -> new StoreActor.Apply(request, replyTo), timeout, scheduler);
    return (CompletionStage<R>) (CompletionStage<?>) DirectFutures.direct(reply);
  }
}
