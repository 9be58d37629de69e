package io.akkaetcd.server.watch;

import akka.NotUsed;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.japi.Pair;
import akka.stream.BoundedSourceQueue;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import io.akkaetcd.api.Watch;
import io.akkaetcd.api.WatchRequest;
import io.akkaetcd.api.WatchResponse;
import java.util.concurrent.atomic.AtomicLong;

/**
 * etcdserverpb.Watch: each call gets a {@link WatchStreamActor}. The client's requests are told to it
 * in order; the responses come from a bounded queue the stream's watchers fill. When the client goes
 * away the response source is cancelled and the stream actor stops with all its watchers. A client that
 * only half-closes keeps its watches, as etcd keeps them.
 */
public final class WatchService implements Watch {
  private final ActorSystem<?> system;
  private final Materializer materializer;
  private final WatchContext context;
  private final AtomicLong streams = new AtomicLong();

  public WatchService(ActorSystem<?> system, WatchContext context) {
    this.system = system;
    this.materializer = Materializer.matFromSystem(system);
    this.context = context;
  }

  @Override
  public Source<WatchResponse, NotUsed> watch(Source<WatchRequest, NotUsed> in) {
    Pair<BoundedSourceQueue<WatchResponse>, Source<WatchResponse, NotUsed>> out =
        Source.<WatchResponse>queue(context.queueCapacity()).preMaterialize(materializer);
    ActorRef<WatchStreamActor.Command> stream = system.systemActorOf(
        WatchStreamActor.create(out.first(), context), "watch-stream-" + streams.incrementAndGet(),
        Props.empty());
    in.runWith(Sink.foreach(request -> stream.tell(new WatchStreamActor.Received(request))), materializer);
    return out.second().watchTermination((notUsed, done) -> {
      done.whenComplete((d, failure) -> stream.tell(WatchStreamActor.Closed.INSTANCE));
      return notUsed;
    });
  }
}
