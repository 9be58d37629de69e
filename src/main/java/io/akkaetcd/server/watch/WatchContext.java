package io.akkaetcd.server.watch;

import akka.actor.typed.ActorRef;
import akka.stream.BoundedSourceQueue;
import akka.stream.QueueOfferResult;
import io.akkaetcd.api.ResponseHeader;
import io.akkaetcd.api.WatchResponse;
import io.akkaetcd.store.WatchFeed;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * What every watch stream and watcher actor of a member shares: the hub, the hub's revision (read
 * when stamping created responses), settings, and how to stamp a response header with the member's
 * identity (cluster id, member id, raft term) for a revision.
 */
public record WatchContext(ActorRef<WatchFeed> hub, AtomicLong revision, WatchSettings settings,
    LongFunction<ResponseHeader> headers) {

  /** The queue holds watch responses up to the settings' limit plus this room for control responses. */
  static final int CONTROL_ROOM = 1024;

  int queueCapacity() {
    return settings.streamBufferResponses() + CONTROL_ROOM;
  }

  WatchResponse stamp(WatchResponse response) {
    return response.toBuilder().setHeader(headers.apply(response.getHeader().getRevision())).build();
  }

  /**
   * Offers a created or canceled response, which must not be lost: if even the control room is full,
   * the client reads nothing at all, and the stream fails as etcd's does when its control channel is
   * stuck.
   */
  void offerControl(BoundedSourceQueue<WatchResponse> queue, WatchResponse response) {
    if (queue.offer(stamp(response)) == QueueOfferResult.dropped()) {
      queue.fail(Status.RESOURCE_EXHAUSTED.withDescription("etcdserver: too many requests")
          .asRuntimeException());
    }
  }
}
