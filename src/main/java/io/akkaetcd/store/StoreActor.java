package io.akkaetcd.store;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.pattern.StatusReply;
import com.google.protobuf.Message;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.errors.EtcdException;
import java.util.ArrayList;
import java.util.List;

/**
 * Owns the MVCC store and applies requests one at a time, in arrival order.
 *
 * <p>Group commit: a write is applied to the store at once but acknowledged only after its backend
 * batch is synced. The first reply that has to wait schedules a {@link Flush} behind everything
 * already in the mailbox, so one fsync covers every request that arrived meanwhile. Replies that
 * could reveal unsynced state (any reply while writes are pending) wait for the same flush.
 */
public final class StoreActor extends AbstractBehavior<StoreActor.Command> {

  public sealed interface Command {}

  /** Apply a request; the reply is its response message or an etcd error. */
  public record Apply(InternalRaftRequest request, ActorRef<StatusReply<Message>> replyTo)
      implements Command {}

  /** Report revision and backend size. */
  public record Describe(ActorRef<StoreStatus> replyTo) implements Command {}

  private enum Flush implements Command { INSTANCE }

  private record Pending(ActorRef<StatusReply<Message>> replyTo, StatusReply<Message> reply) {}

  private final Applier applier;
  private final List<Pending> waiting = new ArrayList<>();

  public static Behavior<Command> create(Applier applier) {
    return Behaviors.setup(ctx -> new StoreActor(ctx, applier));
  }

  private StoreActor(ActorContext<Command> context, Applier applier) {
    super(context);
    this.applier = applier;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Apply.class, this::onApply)
        .onMessage(Describe.class, this::onDescribe)
        .onMessageEquals(Flush.INSTANCE, this::onFlush)
        .onSignal(PostStop.class, signal -> onStop())
        .build();
  }

  private Behavior<Command> onApply(Apply command) {
    StatusReply<Message> reply;
    try {
      reply = StatusReply.success(applier.apply(command.request()));
    } catch (EtcdException e) {
      reply = StatusReply.error(e);
    }
    if (waiting.isEmpty() && !applier.mvcc().hasPendingWrites()) {
      command.replyTo().tell(reply);
      return this;
    }
    if (waiting.isEmpty()) {
      getContext().getSelf().tell(Flush.INSTANCE);
    }
    waiting.add(new Pending(command.replyTo(), reply));
    return this;
  }

  private Behavior<Command> onDescribe(Describe command) {
    command.replyTo().tell(new StoreStatus(applier.mvcc().currentRevision(),
        applier.mvcc().compactRevision(), applier.backendSizeBytes()));
    return this;
  }

  private Behavior<Command> onFlush() {
    // A failed sync leaves memory ahead of disk: let the actor fail rather than acknowledge.
    applier.mvcc().commit(true);
    for (Pending p : waiting) {
      p.replyTo().tell(p.reply());
    }
    waiting.clear();
    return this;
  }

  private Behavior<Command> onStop() {
    if (!waiting.isEmpty()) {
      onFlush();
    }
    return this;
  }
}
