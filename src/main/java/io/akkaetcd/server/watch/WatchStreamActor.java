package io.akkaetcd.server.watch;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.stream.BoundedSourceQueue;
import io.akkaetcd.api.ResponseHeader;
import io.akkaetcd.api.WatchRequest;
import io.akkaetcd.api.WatchResponse;
import io.akkaetcd.watch.WatchStreamState;
import java.util.HashMap;
import java.util.Map;

/**
 * One client Watch stream (etcd's serverWatchStream): takes the client's create, cancel and progress
 * requests in order, keeps the stream's watch ids in a {@link WatchStreamState}, and runs one
 * {@link WatcherActor} per watch as its child. Every response goes out through one bounded queue. A
 * created response is queued before its watcher exists, so it precedes the watch's events; a
 * canceled one is queued by the watcher as it stops, so nothing follows it.
 */
public final class WatchStreamActor extends AbstractBehavior<WatchStreamActor.Command> {

  public sealed interface Command {}

  public record Received(WatchRequest request) implements Command {}

  /** The hub's answer to {@link WatchHub.RevisionFor}: handle {@code request} at {@code revision}. */
  record AtRevision(WatchRequest request, long revision, ResponseHeader header) implements Command {}

  /** The client went away (or the stream failed): stop every watch. */
  public enum Closed implements Command { INSTANCE }

  /** A watcher found its start revision compacted and stopped. */
  record WatchCompacted(long watchId, long compactRevision, long revision, ResponseHeader header,
      ActorRef<WatcherActor.Command> watcher) implements Command {}

  private final BoundedSourceQueue<WatchResponse> queue;
  private final WatchContext context;
  private final WatchStreamState state;
  private final Map<Long, ActorRef<WatcherActor.Command>> watchers = new HashMap<>();

  /**
   * Decides whether a watch may be created: null to allow it, or the cancel reason etcd sends (its
   * permission check on the watched range, made as each create arrives).
   */
  public interface Admission {
    String refusal(io.akkaetcd.api.WatchCreateRequest create);

    Admission ALL = create -> null;
  }

  private final Admission admission;

  public static Behavior<Command> create(BoundedSourceQueue<WatchResponse> queue, WatchContext context) {
    return create(queue, context, Admission.ALL);
  }

  public static Behavior<Command> create(BoundedSourceQueue<WatchResponse> queue, WatchContext context,
      Admission admission) {
    return Behaviors.setup(ctx -> new WatchStreamActor(ctx, queue, context, admission));
  }

  private WatchStreamActor(ActorContext<Command> ctx, BoundedSourceQueue<WatchResponse> queue,
      WatchContext context, Admission admission) {
    super(ctx);
    this.admission = admission;
    this.queue = queue;
    this.context = context;
    this.state = new WatchStreamState(context.settings().maxResponseBytes());
    context.gauges().streamOpened();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Received.class, this::onReceived)
        .onMessage(AtRevision.class, this::onAtRevision)
        .onMessage(WatchCompacted.class, this::onWatchCompacted)
        .onMessageEquals(Closed.INSTANCE, () -> Behaviors.stopped())
        .onSignal(PostStop.class, s -> {
          context.gauges().streamClosed();
          return this;
        })
        .build();
  }

  /** Every request goes by the hub first, to learn the revision it is handled at. */
  private Behavior<Command> onReceived(Received r) {
    context.hub().tell(new WatchHub.RevisionFor(r.request(), getContext().getSelf()));
    return this;
  }

  private Behavior<Command> onAtRevision(AtRevision at) {
    WatchRequest request = at.request();
    long current = at.revision();
    switch (request.getRequestUnionCase()) {
      case CREATE_REQUEST -> {
        String refused = admission.refusal(request.getCreateRequest());
        if (refused != null) {
          WatchContext.offerControl(queue, WatchStreamState.refusal(current, refused), at.header());
          return this;
        }
        WatchStreamState.CreateOutcome outcome = state.create(request.getCreateRequest(), current);
        WatchContext.offerControl(queue, outcome.response(), at.header());
        if (outcome instanceof WatchStreamState.Created created) {
          ActorRef<WatcherActor.Command> watcher = getContext().spawnAnonymous(
              WatcherActor.create(created.watch().copy(), queue, getContext().getSelf(), context));
          watchers.put(created.watch().id(), watcher);
        }
      }
      case CANCEL_REQUEST -> {
        long id = request.getCancelRequest().getWatchId();
        state.cancel(id, current).ifPresent(response -> {
          ActorRef<WatcherActor.Command> watcher = watchers.remove(id);
          if (watcher != null) {
            watcher.tell(new WatcherActor.Cancel(response, at.header()));
          }
        });
      }
      case PROGRESS_REQUEST -> watchers.values().forEach(w -> w.tell(WatcherActor.ProgressRequested.INSTANCE));
      default -> { }
    }
    return this;
  }

  /**
   * etcd cancels a watch whose start revision was compacted with {@code compact_revision} set (clients
   * read it as "etcdserver: mvcc: required revision has been compacted").
   */
  private Behavior<Command> onWatchCompacted(WatchCompacted c) {
    if (!c.watcher().equals(watchers.get(c.watchId()))) {
      return this;
    }
    watchers.remove(c.watchId());
    state.cancelCompacted(c.watchId(), c.compactRevision())
        .ifPresent(response -> WatchContext.offerControl(queue, response, c.header()));
    return this;
  }
}
