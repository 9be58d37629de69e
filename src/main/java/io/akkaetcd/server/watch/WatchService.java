package io.akkaetcd.server.watch;

import akka.NotUsed;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.japi.Pair;
import akka.stream.BoundedSourceQueue;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import io.akkaetcd.api.Watch;
import io.akkaetcd.api.WatchRequest;
import io.akkaetcd.api.WatchResponse;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * etcdserverpb.Watch: each call gets a {@link WatchStreamActor}, a child of {@link WatchStreams}. The client's requests are told to it
 * in order; the responses come from a bounded queue the stream's watchers fill. When the client goes
 * away the response source is cancelled and the stream actor stops with all its watchers. A client that
 * only half-closes keeps its watches, as etcd keeps them.
 */
public final class WatchService implements Watch {
  private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(5);

  private final ActorSystem<?> system;
  private final Materializer materializer;
  private final ActorRef<WatchStreams.Command> streams;
  private final int queueCapacity;

  public WatchService(ActorSystem<?> system, ActorRef<WatchStreams.Command> streams, WatchSettings settings) {
    this.system = system;
    this.materializer = Materializer.matFromSystem(system);
    this.streams = streams;
    this.queueCapacity = new WatchContext(null, settings).queueCapacity();
  }

  @Override
  public Source<WatchResponse, NotUsed> watch(Source<WatchRequest, NotUsed> in) {
    Pair<BoundedSourceQueue<WatchResponse>, Source<WatchResponse, NotUsed>> out =
        Source.<WatchResponse>queue(queueCapacity).preMaterialize(materializer);
    CompletionStage<ActorRef<WatchStreamActor.Command>> stream = AskPattern.ask(streams,
        replyTo -> new WatchStreams.Open(out.first(), replyTo), OPEN_TIMEOUT, system.scheduler());
    stream.whenComplete((ref, failure) -> {
      if (failure != null) {
        out.first().fail(Status.UNAVAILABLE.withDescription("etcdserver: cannot open a watch stream")
            .asRuntimeException());
      } else {
        in.runWith(Sink.foreach(request -> ref.tell(new WatchStreamActor.Received(request))), materializer);
      }
    });
    return out.second().watchTermination((notUsed, done) -> {
      done.whenComplete((d, failure) -> stream.thenAccept(ref -> ref.tell(WatchStreamActor.Closed.INSTANCE)));
      return notUsed;
    });
  }
}
