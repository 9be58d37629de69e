package io.akkaetcd.cluster;

import akka.actor.AbstractActor;
import akka.actor.ActorSystem;
import akka.actor.ExtendedActorSystem;
import akka.actor.Props;
import akka.pattern.Patterns;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * What etcd serves on its peer URLs besides Raft (etcdserver's peer handler: {@code GET /members},
 * {@code /members/hashkv}), here as actors under {@code /system/} of the member's actor system, asked over
 * Artery on the peer URL: an etcd request message (protobuf, Akka's serializer) answered with etcd's
 * response, or a failure.
 */
public final class PeerQuery {
  /** The cluster's members ({@code MemberListRequest}), for a member joining (see {@link ExistingCluster}). */
  public static final String MEMBERS = "members";
  /** HashKV at a revision ({@code HashKVRequest}), for the corruption checks. */
  public static final String HASH_KV = "hashkv";

  private PeerQuery() {}

  /** Serves {@code answer} to {@code requestType} questions at {@code /system/<name>}. */
  public static <T> void serve(ActorSystem system, String name, Class<T> requestType,
      Function<T, CompletionStage<?>> answer) {
    ((ExtendedActorSystem) system).systemActorOf(Props.create(Responder.class,
        () -> new Responder<>(requestType, answer)), name);
  }

  /** Asks the member listening on {@code peerUrl}; fails on a timeout or the member's failure. */
  public static CompletionStage<Object> ask(ActorSystem system, URI peerUrl, String name, Object request,
      Duration timeout) {
    String path = "akka://" + PeerTransport.SYSTEM_NAME + "@" + peerUrl.getHost() + ":" + peerUrl.getPort()
        + "/system/" + name;
    return Patterns.ask(system.actorSelection(path), request, timeout);
  }

  private static final class Responder<T> extends AbstractActor {
    private final Class<T> requestType;
    private final Function<T, CompletionStage<?>> answer;

    Responder(Class<T> requestType, Function<T, CompletionStage<?>> answer) {
      this.requestType = requestType;
      this.answer = answer;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(requestType, request -> Patterns.pipe(answer.apply(request), getContext().getDispatcher())
              .to(getSender()))
          .build();
    }
  }
}
