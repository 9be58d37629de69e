package io.akkaetcd.server.watch;

import akka.actor.typed.ActorRef;
import akka.stream.BoundedSourceQueue;
import akka.stream.QueueOfferResult;
import io.akkaetcd.api.ResponseHeader;
import io.akkaetcd.api.WatchResponse;
import io.akkaetcd.store.WatchFeed;
import io.grpc.Status;

/**
 * What every watch stream and watcher actor of a member shares: the hub, the settings and the
 * gauges they count into. The revision and header a response carries come in the hub's messages,
 * never from shared state.
 */
public record WatchContext(ActorRef<WatchFeed> hub, WatchSettings settings, WatchGauges gauges) {

  /** With gauges of its own (actor tests that read no metrics). */
  public WatchContext(ActorRef<WatchFeed> hub, WatchSettings settings) {
    this(hub, settings, new WatchGauges());
  }

  /** The queue holds watch responses up to the settings' limit plus this room for control responses. */
  static final int CONTROL_ROOM = 1024;

  int queueCapacity() {
    return settings.streamBufferResponses() + CONTROL_ROOM;
  }

  /** {@code response} with the member's header at the revision it already carries. */
  static WatchResponse stamp(WatchResponse response, ResponseHeader header) {
    return response.toBuilder()
        .setHeader(header.toBuilder().setRevision(response.getHeader().getRevision())).build();
  }

  /**
   * Offers a created or canceled response, which must not be lost: if even the control room is full,
   * the client reads nothing at all, and the stream fails as etcd's does when its control channel is
   * stuck.
   */
  static void offerControl(BoundedSourceQueue<WatchResponse> queue, WatchResponse response,
      ResponseHeader header) {
    if (queue.offer(stamp(response, header)) == QueueOfferResult.dropped()) {
      failTooManyRequests(queue);
    }
  }

  /** Fails the stream with the reason etcd's clients see for a stream that cannot keep up. */
  static void failTooManyRequests(BoundedSourceQueue<WatchResponse> queue) {
    queue.fail(Status.RESOURCE_EXHAUSTED.withDescription("etcdserver: too many requests").asRuntimeException());
  }
}
