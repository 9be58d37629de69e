package io.akkaetcd.server.watch;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.ChildFailed;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.Behaviors;
import akka.stream.BoundedSourceQueue;
import io.akkaetcd.api.WatchResponse;
import io.grpc.Status;
import java.util.HashMap;
import java.util.Map;

/**
 * The parent of a member's watch streams: spawns one {@link WatchStreamActor} per gRPC Watch call and
 * watches it. A stream actor that fails ends its client's stream with the reason, never leaves it
 * hanging.
 */
public final class WatchStreams {
  public sealed interface Command {}

  /**
   * Start a stream that answers through {@code queue}, its creates decided by {@code admission} (the
   * caller's permissions); the reply is the stream actor.
   */
  public record Open(BoundedSourceQueue<WatchResponse> queue, WatchStreamActor.Admission admission,
      ActorRef<ActorRef<WatchStreamActor.Command>> replyTo) implements Command {
    public Open(BoundedSourceQueue<WatchResponse> queue, ActorRef<ActorRef<WatchStreamActor.Command>> replyTo) {
      this(queue, WatchStreamActor.Admission.ALL, replyTo);
    }
  }

  private WatchStreams() {}

  public static Behavior<Command> create(WatchContext context) {
    return Behaviors.setup(ctx -> {
      Map<ActorRef<Void>, BoundedSourceQueue<WatchResponse>> queues = new HashMap<>();
      long[] opened = {0};
      return Behaviors.receive(Command.class)
          .onMessage(Open.class, open -> {
            ActorRef<WatchStreamActor.Command> stream =
                ctx.spawn(WatchStreamActor.create(open.queue(), context, open.admission()), "watch-stream-" + ++opened[0]);
            ctx.watch(stream);
            queues.put(stream.unsafeUpcast(), open.queue());
            open.replyTo().tell(stream);
            return Behaviors.same();
          })
          .onSignal(ChildFailed.class, failed -> {
            BoundedSourceQueue<WatchResponse> queue = queues.remove(failed.getRef().unsafeUpcast());
            ctx.getLog().warn("watch stream {} failed", failed.getRef().path().name(), failed.getCause());
            if (queue != null) {
              queue.fail(Status.INTERNAL.withDescription("etcdserver: watch stream failed: "
                  + failed.getCause().getMessage()).asRuntimeException());
            }
            return Behaviors.same();
          })
          .onSignal(Terminated.class, stopped -> {
            queues.remove(stopped.getRef().unsafeUpcast());
            return Behaviors.same();
          })
          .build();
    });
  }
}
