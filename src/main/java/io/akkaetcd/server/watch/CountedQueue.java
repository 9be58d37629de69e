package io.akkaetcd.server.watch;

import akka.stream.BoundedSourceQueue;
import akka.stream.QueueOfferResult;
import io.akkaetcd.api.WatchResponse;

/**
 * A watch stream's outgoing queue that counts the events it holds into the member's
 * {@link WatchGauges}: queued when a watcher offers them, sent when the client's stream takes them,
 * dropped from the pending count when the stream ends with some still queued. One lock per stream
 * keeps a take from being counted before the offer that queued it.
 */
final class CountedQueue implements BoundedSourceQueue<WatchResponse> {
  private final BoundedSourceQueue<WatchResponse> queue;
  private final WatchGauges gauges;
  private long pending;
  private boolean ended;

  CountedQueue(BoundedSourceQueue<WatchResponse> queue, WatchGauges gauges) {
    this.queue = queue;
    this.gauges = gauges;
  }

  @Override
  public synchronized QueueOfferResult offer(WatchResponse response) {
    QueueOfferResult result = queue.offer(response);
    if (result == QueueOfferResult.enqueued() && !ended) {
      pending += response.getEventsCount();
      gauges.queued(response.getEventsCount());
    }
    return result;
  }

  /** The client's stream took {@code response} from the queue. */
  synchronized void taken(WatchResponse response) {
    pending -= response.getEventsCount();
    gauges.sent(response.getEventsCount());
  }

  /** The client's stream ended. */
  synchronized void ended() {
    ended = true;
    gauges.dropped(pending);
    pending = 0;
  }

  @Override
  public void complete() {
    queue.complete();
  }

  @Override
  public void fail(Throwable cause) {
    queue.fail(cause);
  }

  @Override
  public int size() {
    return queue.size();
  }
}
