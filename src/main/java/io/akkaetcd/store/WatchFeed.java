package io.akkaetcd.store;

import akka.actor.typed.ActorRef;
import io.akkaetcd.api.Event;
import io.akkaetcd.api.ResponseHeader;
import java.util.List;

/**
 * What the watch hub hears. The store actor sends it {@link Committed} after each synced flush and
 * {@link HistoryRead} in answer to {@link StoreActor.ReadHistory}, both from the one store actor to the
 * one hub, so they arrive in the order they were sent: a history read up to revision {@code r}
 * reaches the hub right after the {@code Committed} that brought it to {@code r} and before the next
 * one. That order is the seam between catching up and going live, with nothing missed or doubled.
 * The hub's own commands implement this interface too.
 */
public interface WatchFeed {

  /**
   * The store actor is up (or has just restored a snapshot): where to read history, the revision it
   * has published, and the header (cluster, member, raft term) watch responses carry. Sent first.
   */
  record Attached(ActorRef<StoreActor.Command> store, long revision, ResponseHeader header)
      implements WatchFeed {}

  /** The header watch responses carry changed (a new raft term, or the cluster id learned). */
  record HeaderChanged(ResponseHeader header) implements WatchFeed {}

  /**
   * Revisions made durable by one flush: the events of each, in revision order; {@code revision} is
   * the newest revision the store has published.
   */
  record Committed(long revision, List<List<Event>> revisions) implements WatchFeed {}

  /**
   * The answer to a history read: the events of revisions up to {@code toRevision} (inclusive), or,
   * when {@code compactRevision} is positive, nothing because the start revision was compacted.
   */
  record HistoryRead(long tag, long toRevision, List<Event> events, long compactRevision)
      implements WatchFeed {}
}
