package io.akkaetcd.server.watch;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.stream.BoundedSourceQueue;
import akka.stream.QueueOfferResult;
import io.akkaetcd.api.Event;
import io.akkaetcd.api.ResponseHeader;
import io.akkaetcd.api.WatchResponse;
import io.akkaetcd.watch.WatchStreamState;
import java.time.Duration;
import java.util.List;

/**
 * One watch: its range registered with the {@link WatchHub}, its filter and next revision, and the
 * responses it puts on its stream's outgoing queue.
 *
 * <p>Bounded buffers: the stream's queue holds at most {@link WatchSettings#streamBufferResponses}
 * watch responses. When a batch would not fit, the watch does not block anyone: it rewinds its next
 * revision to the first revision it could not send, leaves the hub and, once the client has drained
 * half of the queue, registers again from that revision (a fresh generation): the hub then replays
 * what was missed from the store before the watch goes live again. The watchers of a stream share its
 * queue, so one may find it fuller than it looked: a response the queue refuses all the same is never
 * dropped silently, the stream fails with etcd's "too many requests" and the client resumes.
 */
public final class WatcherActor extends AbstractBehavior<WatcherActor.Command> {

  public sealed interface Command {}

  /** The events of one revision for this watch; a catch-up batch may span revisions up to {@code revision}. */
  public record Batch(long revision, List<Event> events) {}

  /** Events for this watch; {@code header} is what the responses carry (cluster, member, raft term). */
  public record Deliver(long generation, List<Batch> batches, ResponseHeader header) implements Command {}

  /** The watch is synced and has every event up to {@code revision}. */
  public record Progress(long generation, long revision, ResponseHeader header) implements Command {}

  /** The watch's next revision was compacted; the hub is at {@code revision}. */
  public record Compacted(long generation, long compactRevision, long revision, ResponseHeader header)
      implements Command {}

  /** The client cancelled: send {@code response} last, then stop. */
  public record Cancel(WatchResponse response, ResponseHeader header) implements Command {}

  /** The client asked for progress (WatchProgressRequest). */
  enum ProgressRequested implements Command { INSTANCE }

  private enum ProgressTick implements Command { INSTANCE }

  private enum RetryLagging implements Command { INSTANCE }

  private static final Duration LAG_RETRY = Duration.ofMillis(100);

  private final WatchStreamState.Watch watch;
  private final BoundedSourceQueue<WatchResponse> queue;
  private final ActorRef<WatchStreamActor.Command> stream;
  private final WatchContext context;
  private final TimerScheduler<Command> timers;
  private long generation;
  private boolean lagging;
  private boolean sentSinceTick;

  static Behavior<Command> create(WatchStreamState.Watch watch, BoundedSourceQueue<WatchResponse> queue,
      ActorRef<WatchStreamActor.Command> stream, WatchContext context) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new WatcherActor(ctx, timers, watch, queue, stream, context)));
  }

  private WatcherActor(ActorContext<Command> ctx, TimerScheduler<Command> timers,
      WatchStreamState.Watch watch, BoundedSourceQueue<WatchResponse> queue,
      ActorRef<WatchStreamActor.Command> stream, WatchContext context) {
    super(ctx);
    this.timers = timers;
    this.watch = watch;
    this.queue = queue;
    this.stream = stream;
    this.context = context;
    if (watch.progressNotify()) {
      Duration every = context.settings().progressNotifyInterval();
      timers.startTimerWithFixedDelay(ProgressTick.INSTANCE, every, every);
    }
    context.gauges().watcherStarted();
    register();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Deliver.class, this::onDeliver)
        .onMessage(Progress.class, this::onProgress)
        .onMessage(Compacted.class, this::onCompacted)
        .onMessage(Cancel.class, this::onCancel)
        .onMessageEquals(ProgressRequested.INSTANCE, this::onProgressRequested)
        .onMessageEquals(ProgressTick.INSTANCE, this::onProgressTick)
        .onMessageEquals(RetryLagging.INSTANCE, this::onRetryLagging)
        .onSignal(PostStop.class, s -> {
          context.hub().tell(new WatchHub.Unregister(getContext().getSelf()));
          context.gauges().watcherStopped();
          if (lagging) {
            context.gauges().heldBack(false);
          }
          return this;
        })
        .build();
  }

  private Behavior<Command> onDeliver(Deliver d) {
    if (d.generation() != generation || lagging) {
      return this;
    }
    int limit = context.settings().streamBufferResponses();
    for (Batch batch : d.batches()) {
      long before = watch.nextRevision();
      List<WatchResponse> responses = watch.deliver(batch.revision(), batch.events(),
          context.settings().maxResponseBytes());
      if (responses.isEmpty()) {
        continue;
      }
      if (queue.size() + responses.size() > limit) {
        watch.rewindTo(before);
        fallBehind();
        return this;
      }
      for (WatchResponse r : responses) {
        if (queue.offer(WatchContext.stamp(r, d.header())) == QueueOfferResult.dropped()) {
          return refused();
        }
      }
      sentSinceTick = true;
    }
    return this;
  }

  /** The queue did not take a response: the stream cannot be trusted to be complete, so it ends. */
  private Behavior<Command> refused() {
    getContext().getLog().info("watch {}: the stream's queue refused a response; failing the stream", watch.id());
    WatchContext.failTooManyRequests(queue);
    return Behaviors.stopped();
  }

  private void fallBehind() {
    lagging = true;
    context.gauges().heldBack(true);
    generation++;
    context.hub().tell(new WatchHub.Unregister(getContext().getSelf()));
    timers.startSingleTimer(RetryLagging.INSTANCE, LAG_RETRY);
  }

  private Behavior<Command> onRetryLagging() {
    if (queue.size() > context.settings().streamBufferResponses() / 2) {
      timers.startSingleTimer(RetryLagging.INSTANCE, LAG_RETRY);
      return this;
    }
    lagging = false;
    context.gauges().heldBack(false);
    register();
    return this;
  }

  private void register() {
    context.hub().tell(new WatchHub.Register(getContext().getSelf(), generation, watch.range(),
        watch.nextRevision(), watch.filter().prevKv()));
  }

  private Behavior<Command> onProgress(Progress p) {
    if (p.generation() != generation || lagging) {
      return this;
    }
    WatchResponse progress = WatchResponse.newBuilder()
        .setHeader(p.header().toBuilder().setRevision(p.revision()))
        .setWatchId(watch.id())
        .build();
    if (queue.offer(progress) == QueueOfferResult.dropped()) {
      return refused();
    }
    return this;
  }

  private Behavior<Command> onProgressRequested() {
    if (!lagging) {
      context.hub().tell(new WatchHub.RequestProgress(getContext().getSelf(), generation));
    }
    return this;
  }

  /** etcd sends a progress notification only to a watch that was sent nothing since the last tick. */
  private Behavior<Command> onProgressTick() {
    if (!sentSinceTick) {
      onProgressRequested();
    }
    sentSinceTick = false;
    return this;
  }

  private Behavior<Command> onCompacted(Compacted c) {
    if (c.generation() != generation) {
      return this;
    }
    stream.tell(new WatchStreamActor.WatchCompacted(watch.id(), c.compactRevision(), c.revision(), c.header(),
        getContext().getSelf()));
    return Behaviors.stopped();
  }

  private Behavior<Command> onCancel(Cancel c) {
    WatchContext.offerControl(queue, c.response(), c.header());
    return Behaviors.stopped();
  }
}
