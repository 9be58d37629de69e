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
import com.google.protobuf.ByteString;
import io.akkaetcd.api.Event;
import io.akkaetcd.errors.EtcdException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Owns the MVCC store and applies requests one at a time, in arrival order.
 *
 * <p>Group commit: a write is applied to the store at once but acknowledged only after its backend
 * batch is synced. The first reply that has to wait schedules a {@link Flush} behind everything
 * already in the mailbox, so one fsync covers every request that arrived meanwhile. Replies that
 * could reveal unsynced state (any reply while writes are pending) wait for the same flush.
 *
 * <p>Watch events: the events of each write revision are buffered as the store reports them and sent
 * to the watch hub ({@link WatchFeed.Committed}) only after the flush that made them durable, in
 * revision order. {@link ReadHistory} reads only revisions already published that way, and its answer
 * goes to the same hub, so the hub sees history and live events meet without a gap (see
 * {@link WatchFeed}).
 */
public final class StoreActor extends AbstractBehavior<StoreActor.Command> {

  public sealed interface Command {}

  /** Apply a request; the reply is its response message or an etcd error. */
  public record Apply(InternalRaftRequest request, ActorRef<StatusReply<Message>> replyTo)
      implements Command {}

  /**
   * A read (or leader-local change, such as a lease renew) that needs the state the store actor owns,
   * served without the log; answered like {@link Apply}, after any pending flush.
   */
  public record Query(Function<Applier, Message> query, ActorRef<StatusReply<Message>> replyTo)
      implements Command {}

  /**
   * Read the events of revisions from {@code fromRevision} on, at most {@code maxRevisions} of them and
   * none beyond the last published revision, for keys {@code keys} accepts; the answer is a
   * {@link WatchFeed.HistoryRead} carrying {@code tag}, or one with the compact revision set when
   * {@code fromRevision} is below it.
   */
  public record ReadHistory(long fromRevision, int maxRevisions, Predicate<ByteString> keys,
      boolean prevKv, Object tag, ActorRef<WatchFeed> replyTo) implements Command {}

  /** Report revision and backend size. */
  public record Describe(ActorRef<StoreStatus> replyTo) implements Command {}

  private enum Flush implements Command { INSTANCE }

  private record Pending(ActorRef<StatusReply<Message>> replyTo, StatusReply<Message> reply) {}

  private final Applier applier;
  private final List<Pending> waiting = new ArrayList<>();
  /** Null: nobody watches. */
  private final ActorRef<WatchFeed> watchFeed;
  /** Events of applied revisions not yet flushed, oldest first. */
  private final List<List<Event>> unpublished = new ArrayList<>();
  /** The newest revision whose events the hub has been sent. */
  private long publishedRevision;

  public static Behavior<Command> create(Applier applier) {
    return create(applier, null);
  }

  public static Behavior<Command> create(Applier applier, ActorRef<WatchFeed> watchFeed) {
    return Behaviors.setup(ctx -> new StoreActor(ctx, applier, watchFeed));
  }

  private StoreActor(ActorContext<Command> context, Applier applier, ActorRef<WatchFeed> watchFeed) {
    super(context);
    this.applier = applier;
    this.watchFeed = watchFeed;
    this.publishedRevision = applier.mvcc().currentRevision();
    if (watchFeed != null) {
      applier.mvcc().onEvents(unpublished::add);
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Apply.class, this::onApply)
        .onMessage(Describe.class, this::onDescribe)
        .onMessage(Query.class, this::onQuery)
        .onMessage(ReadHistory.class, this::onReadHistory)
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
    return answer(command.replyTo(), reply);
  }

  private Behavior<Command> onQuery(Query command) {
    StatusReply<Message> reply;
    try {
      reply = StatusReply.success(command.query().apply(applier));
    } catch (EtcdException e) {
      reply = StatusReply.error(e);
    }
    return answer(command.replyTo(), reply);
  }

  private Behavior<Command> answer(ActorRef<StatusReply<Message>> replyTo, StatusReply<Message> reply) {
    if (waiting.isEmpty() && !applier.mvcc().hasPendingWrites()) {
      replyTo.tell(reply);
      return this;
    }
    if (waiting.isEmpty()) {
      getContext().getSelf().tell(Flush.INSTANCE);
    }
    waiting.add(new Pending(replyTo, reply));
    return this;
  }

  private Behavior<Command> onReadHistory(ReadHistory command) {
    long compacted = applier.mvcc().compactRevision();
    if (command.fromRevision() < compacted) {
      command.replyTo().tell(new WatchFeed.HistoryRead(command.tag(), publishedRevision, List.of(), compacted));
      return this;
    }
    long to = Math.min(publishedRevision, command.fromRevision() + command.maxRevisions() - 1);
    List<Event> events = applier.mvcc().eventsBetween(command.fromRevision(), to, command.keys(),
        command.prevKv());
    command.replyTo().tell(new WatchFeed.HistoryRead(command.tag(), Math.max(to, command.fromRevision() - 1),
        events, 0));
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
    publish();
    return this;
  }

  /** Hands the events made durable by the last flush to the hub, in revision order. */
  private void publish() {
    if (watchFeed == null || unpublished.isEmpty()) {
      return;
    }
    publishedRevision = applier.mvcc().currentRevision();
    watchFeed.tell(new WatchFeed.Committed(publishedRevision, List.copyOf(unpublished)));
    unpublished.clear();
  }

  private Behavior<Command> onStop() {
    if (!waiting.isEmpty()) {
      onFlush();
    }
    return this;
  }
}
