package io.akkaetcd.watch;

import io.akkaetcd.api.Event;
import io.akkaetcd.api.WatchCreateRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * What one watch keeps of the events routed to it: the create request's NOPUT / NODELETE filters drop
 * events by type (etcd's {@code FiltersFromRequest}), and {@code prev_kv} is sent only when the watch
 * asked for it. Unknown filter values are ignored, as etcd does.
 */
public record WatchFilter(boolean noPut, boolean noDelete, boolean prevKv) {
  /** Keeps every event, without prev_kv. */
  public static final WatchFilter NONE = new WatchFilter(false, false, false);

  public static WatchFilter of(WatchCreateRequest request) {
    boolean noPut = false;
    boolean noDelete = false;
    for (WatchCreateRequest.FilterType type : request.getFiltersList()) {
      switch (type) {
        case NOPUT -> noPut = true;
        case NODELETE -> noDelete = true;
        default -> {}
      }
    }
    return new WatchFilter(noPut, noDelete, request.getPrevKv());
  }

  public boolean accepts(Event event) {
    return switch (event.getType()) {
      case PUT -> !noPut;
      case DELETE -> !noDelete;
      default -> true;
    };
  }

  /**
   * The accepted events in their order, prev_kv dropped unless asked for. An empty result means the
   * watch is sent nothing for this batch (etcd's {@code watcher.send} skips all-filtered batches).
   */
  public List<Event> apply(List<Event> events) {
    List<Event> out = new ArrayList<>(events.size());
    for (Event event : events) {
      if (accepts(event)) {
        out.add(prevKv || !event.hasPrevKv() ? event : event.toBuilder().clearPrevKv().build());
      }
    }
    return out;
  }
}
