package io.akkaetcd.server;

import akka.actor.Cancellable;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import akka.pattern.StatusReply;
import com.google.protobuf.Message;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RangeResponse;
import io.akkaetcd.api.RequestHeader;
import io.akkaetcd.auth.AuthInfo;
import io.akkaetcd.cluster.RaftActor;
import io.akkaetcd.concurrent.DirectFutures;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.store.PendingRequests;
import io.akkaetcd.store.StoreActor;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * How services reach the replicated store. Writes are proposed to Raft and answered when this member
 * applies them; linearizable reads wait for a Raft read index; serializable reads ask the local store.
 * A request still unanswered after the timeout fails with etcd's "request timed out".
 */
public final class StoreClient {
  private final ActorRef<RaftActor.Command> raft;
  private final ActorRef<StoreActor.Command> store;
  private final PendingRequests pending;
  private final Scheduler scheduler;
  private final Duration timeout;

  public StoreClient(ActorRef<RaftActor.Command> raft, ActorRef<StoreActor.Command> store,
      PendingRequests pending, Scheduler scheduler, Duration timeout) {
    this.raft = raft;
    this.store = store;
    this.pending = pending;
    this.scheduler = scheduler;
    this.timeout = timeout;
  }

  /** etcd refuses new proposals while the applied index trails the commit index by more than this. */
  static final long MAX_APPLY_BACKLOG = 5_000;

  /** Replicates {@code request} through the Raft log; the response is what applying it here returned. */
  public <R extends Message> CompletionStage<R> propose(InternalRaftRequest request) {
    return propose(request, AuthInfo.NONE);
  }

  /**
   * As {@link #propose(InternalRaftRequest)}, on behalf of {@code who}: the user and auth revision go
   * in the entry's header, and every member checks the write against them as it applies it.
   */
  @SuppressWarnings("unchecked")
  public <R extends Message> CompletionStage<R> propose(InternalRaftRequest request, AuthInfo who) {
    if (pending.applyBacklog() > MAX_APPLY_BACKLOG) {
      return CompletableFuture.failedFuture(EtcdError.TOO_MANY_REQUESTS.exception());
    }
    long id = pending.nextId();
    InternalRaftRequest withId = request.toBuilder().setHeader(RequestHeader.newBuilder().setID(id)
        .setUsername(who.username()).setAuthRevision(who.revision())).build();
    CompletableFuture<Message> reply = withTimeout(pending.registerWrite(id));
    raft.tell(new RaftActor.Propose(withId.toByteArray(), id));
    return (CompletionStage<R>) (CompletionStage<?>) reply;
  }

  public CompletionStage<RangeResponse> range(RangeRequest request) {
    if (request.getSerializable()) {
      return serializable(request);
    }
    long id = pending.nextId();
    CompletableFuture<Message> reply = withTimeout(pending.registerRead(id, request));
    raft.tell(new RaftActor.ReadIndex(id));
    return reply.thenApply(m -> (RangeResponse) m);
  }

  /**
   * A request the store actor answers itself (lease reads, a keep-alive's renew), served without the
   * log; {@code command} builds the typed command around the reply address.
   */
  public <R> CompletionStage<R> ask(java.util.function.Function<ActorRef<StatusReply<R>>, StoreActor.Command> command) {
    return DirectFutures.direct(AskPattern.askWithStatus(store, command::apply, timeout, scheduler));
  }

  private CompletionStage<RangeResponse> serializable(RangeRequest request) {
    CompletionStage<Message> reply = AskPattern.askWithStatus(
        store, replyTo -> new StoreActor.Read(request, replyTo), timeout, scheduler);
    return DirectFutures.direct(reply).thenApply(m -> (RangeResponse) m);
  }

  private CompletableFuture<Message> withTimeout(CompletableFuture<Message> reply) {
    Cancellable timer = scheduler.scheduleOnce(timeout,
        () -> reply.completeExceptionally(EtcdError.TIMEOUT.exception()), scala.concurrent.ExecutionContext.parasitic$.MODULE$);
    reply.whenComplete((r, e) -> timer.cancel());
    return reply;
  }
}
