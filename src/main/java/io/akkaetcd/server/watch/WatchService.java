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
import akka.grpc.javadsl.Metadata;
import com.google.protobuf.ByteString;
import io.akkaetcd.api.Watch;
import io.akkaetcd.api.WatchPowerApi;
import io.akkaetcd.auth.Caller;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.errors.EtcdException;
import io.akkaetcd.grpc.GrpcStatus;
import io.akkaetcd.server.auth.AuthGate;
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
public final class WatchService implements Watch, WatchPowerApi {
  private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(5);

  private final ActorSystem<?> system;
  private final Materializer materializer;
  private final ActorRef<WatchStreams.Command> streams;
  private final int queueCapacity;
  private final WatchGauges gauges;

  private final AuthGate auth;

  /** {@code auth} null: every watch is allowed (tests of the watch path alone). */
  public WatchService(ActorSystem<?> system, ActorRef<WatchStreams.Command> streams, WatchSettings settings,
      AuthGate auth) {
    this(system, streams, settings, auth, new WatchGauges());
  }

  /** The same, counting the events its streams queue and send into {@code gauges}. */
  public WatchService(ActorSystem<?> system, ActorRef<WatchStreams.Command> streams, WatchSettings settings,
      AuthGate auth, WatchGauges gauges) {
    this.gauges = gauges;
    this.auth = auth;
    this.system = system;
    this.materializer = Materializer.matFromSystem(system);
    this.streams = streams;
    this.queueCapacity = new WatchContext(null, settings).queueCapacity();
  }

  /** A client's stream: each create is checked for read permission on its range as it arrives, as etcd does. */
  @Override
  public Source<WatchResponse, NotUsed> watch(Source<WatchRequest, NotUsed> in, Metadata metadata) {
    return watch(in, new Caller(metadata.getText("token").orElse(null), null));
  }

  /**
   * The same for a caller known otherwise (the JSON gateway's Authorization header). Its callers wait
   * until the caller's token is known here before they call (a fresh simple token's entry applied).
   */
  public Source<WatchResponse, NotUsed> watch(Source<WatchRequest, NotUsed> in, Caller caller) {
    if (auth == null) {
      return watch(in);
    }
    return admitted(in, caller);
  }

  private Source<WatchResponse, NotUsed> admitted(Source<WatchRequest, NotUsed> in, Caller caller) {
    return watch(in, create -> {
      try {
        ByteString key = create.getKey().isEmpty() ? ByteString.copyFrom(new byte[] {0}) : create.getKey();
        auth.view().checkRead(auth.identify(caller), key, create.getRangeEnd());
        return null;
      } catch (EtcdException e) {
        // etcd's recvLoop: these three keep their text, anything else reads "permission denied",
        // each as grpc-go prints a status error
        return GrpcStatus.of(switch (e.error()) {
          case INVALID_AUTH_TOKEN, AUTH_OLD_REVISION, USER_EMPTY -> e.error();
          default -> EtcdError.PERMISSION_DENIED;
        }).goErrorText();
      }
    });
  }

  /** The member's own watches (Lock, Election): no credentials to check. */
  @Override
  public Source<WatchResponse, NotUsed> watch(Source<WatchRequest, NotUsed> in) {
    return watch(in, WatchStreamActor.Admission.ALL);
  }

  private Source<WatchResponse, NotUsed> watch(Source<WatchRequest, NotUsed> in, WatchStreamActor.Admission admission) {
    Pair<BoundedSourceQueue<WatchResponse>, Source<WatchResponse, NotUsed>> out =
        Source.<WatchResponse>queue(queueCapacity).preMaterialize(materializer);
    CountedQueue queue = new CountedQueue(out.first(), gauges);
    CompletionStage<ActorRef<WatchStreamActor.Command>> stream = AskPattern.ask(streams,
        replyTo -> new WatchStreams.Open(queue, admission, replyTo), OPEN_TIMEOUT, system.scheduler());
    stream.whenComplete((ref, failure) -> {
      if (failure != null) {
        out.first().fail(Status.UNAVAILABLE.withDescription("etcdserver: cannot open a watch stream")
            .asRuntimeException());
      } else {
        in.runWith(Sink.foreach(request -> ref.tell(new WatchStreamActor.Received(request))), materializer);
      }
    });
    return out.second().map(response -> {
      queue.taken(response);
      return response;
    }).watchTermination((notUsed, done) -> {
      done.whenComplete((d, failure) -> {
        queue.ended();
        stream.thenAccept(ref -> ref.tell(WatchStreamActor.Closed.INSTANCE));
      });
      return notUsed;
    });
  }
}
