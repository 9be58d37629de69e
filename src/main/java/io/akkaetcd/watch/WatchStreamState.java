package io.akkaetcd.watch;

import com.google.protobuf.CodedOutputStream;
import io.akkaetcd.api.Event;
import io.akkaetcd.api.ResponseHeader;
import io.akkaetcd.api.WatchCreateRequest;
import io.akkaetcd.api.WatchResponse;
import io.akkaetcd.errors.EtcdError;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pure state of one client watch stream (etcd's {@code serverWatchStream} plus
 * {@code mvcc.watchStream}): watch ids, each watch's range, filter and next revision, and the shaping
 * of responses (filters, prev_kv, fragmentation). Responses carry a header with only {@code revision}
 * set; the server adds cluster id, member id and raft term.
 *
 * <p>Ids follow etcd 3.4/3.5: a create request with {@code watch_id} 0 ({@code AutoWatchID}) gets the
 * stream's next free id, counting from 0 and skipping ids the client chose; a non-zero id is used as
 * given, and one already in use on the stream is refused with {@code created = true, canceled = true,
 * watch_id = -1} and the reason {@value #DUPLICATE_ID_REASON}.
 *
 * <p>Not thread-safe: one owner (the stream's actor) calls it.
 */
public final class WatchStreamState {
  /** clientv3.AutoWatchID: the server chooses the id. */
  public static final long AUTO_WATCH_ID = 0;

  /** clientv3.InvalidWatchID, the id of a refused create. */
  public static final long INVALID_WATCH_ID = -1;

  public static final String DUPLICATE_ID_REASON =
      "mvcc: duplicate watch ID provided on the WatchStream";
  public static final String EMPTY_RANGE_REASON = "mvcc: watcher range is empty";

  /**
   * etcd's {@code MaxRequestBytesWithOverhead} with defaults: {@code --max-request-bytes} 1.5 MiB plus
   * 512 KiB of gRPC overhead. Fragmenting watches split responses at this size.
   */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 3L * 512 * 1024 + 512 * 1024;

  /** One watch on the stream. Only {@link #nextRevision()} changes, as events are delivered. */
  public static final class Watch {
    private final long id;
    private final KeyRange range;
    private final WatchFilter filter;
    private final boolean progressNotify;
    private final boolean fragment;
    private long nextRevision;

    Watch(long id, KeyRange range, WatchFilter filter, boolean progressNotify, boolean fragment,
        long nextRevision) {
      this.id = id;
      this.range = range;
      this.filter = filter;
      this.progressNotify = progressNotify;
      this.fragment = fragment;
      this.nextRevision = nextRevision;
    }

    public long id() {
      return id;
    }

    public KeyRange range() {
      return range;
    }

    public WatchFilter filter() {
      return filter;
    }

    public boolean progressNotify() {
      return progressNotify;
    }

    public boolean fragment() {
      return fragment;
    }

    /** The lowest revision not yet delivered: events below it are dropped as already sent. */
    public long nextRevision() {
      return nextRevision;
    }

    /** True while revisions up to {@code currentRevision} must still be read from the store. */
    public boolean needsCatchUp(long currentRevision) {
      return nextRevision <= currentRevision;
    }

    /**
     * A copy holding the same settings and next revision, for an owner apart from the stream (the
     * watch's own actor): it shapes that watch's responses from then on.
     */
    public Watch copy() {
      return new Watch(id, range, filter, progressNotify, fragment, nextRevision);
    }

    /**
     * Moves the next revision back to {@code revision}: the responses just shaped were not sent (the
     * client is too slow), so those revisions must be read again from the store.
     */
    public void rewindTo(long revision) {
      nextRevision = revision;
    }

    /** As {@link WatchStreamState#deliver}, for this watch alone. */
    public List<WatchResponse> deliver(long revision, List<Event> events, long maxResponseBytes) {
      List<Event> fresh = new ArrayList<>(events.size());
      for (Event event : events) {
        if (event.getKv().getModRevision() >= nextRevision) {
          fresh.add(event);
        }
      }
      nextRevision = Math.max(nextRevision, revision + 1);
      List<Event> kept = filter.apply(fresh);
      if (kept.isEmpty()) {
        return List.of();
      }
      WatchResponse response = WatchResponse.newBuilder()
          .setHeader(header(revision))
          .setWatchId(id)
          .addAllEvents(kept)
          .build();
      return fragment ? WatchStreamState.fragment(response, maxResponseBytes) : List.of(response);
    }
  }

  /** The answer to a create request. */
  public sealed interface CreateOutcome permits Created, Rejected {
    WatchResponse response();
  }

  public record Created(Watch watch, WatchResponse response) implements CreateOutcome {}

  public record Rejected(WatchResponse response) implements CreateOutcome {}

  private final long maxResponseBytes;
  private final Map<Long, Watch> watches = new LinkedHashMap<>();
  private long nextAutoId;

  public WatchStreamState() {
    this(DEFAULT_MAX_RESPONSE_BYTES);
  }

  public long maxResponseBytes() {
    return maxResponseBytes;
  }

  public WatchStreamState(long maxResponseBytes) {
    if (maxResponseBytes <= 0) {
      throw new IllegalArgumentException("maxResponseBytes must be positive");
    }
    this.maxResponseBytes = maxResponseBytes;
  }

  /**
   * Creates a watch. {@code start_revision} 0 means "after the current revision"; a positive one is
   * where delivery starts (below the current revision the caller must replay history, and check it
   * against the compaction revision first). Refusals, as etcd sends them: a negative start revision
   * (reason: the compacted error), an empty range, a duplicate id.
   */
  public CreateOutcome create(WatchCreateRequest request, long currentRevision) {
    if (request.getStartRevision() < 0) {
      return new Rejected(refusal(currentRevision, EtcdError.COMPACTED.message));
    }
    KeyRange range = KeyRange.ofWatch(request.getKey(), request.getRangeEnd());
    if (range.isEmpty()) {
      return new Rejected(refusal(currentRevision, EMPTY_RANGE_REASON));
    }
    long id = request.getWatchId();
    if (id == AUTO_WATCH_ID) {
      while (watches.containsKey(nextAutoId)) {
        nextAutoId++;
      }
      id = nextAutoId++;
    } else if (watches.containsKey(id)) {
      return new Rejected(refusal(currentRevision, DUPLICATE_ID_REASON));
    }
    long start = request.getStartRevision();
    long next = start == 0 ? currentRevision + 1 : start;
    Watch watch = new Watch(id, range, WatchFilter.of(request), request.getProgressNotify(),
        request.getFragment(), next);
    watches.put(id, watch);
    WatchResponse response = WatchResponse.newBuilder()
        .setHeader(header(currentRevision))
        .setWatchId(id)
        .setCreated(true)
        .build();
    return new Created(watch, response);
  }

  /** Cancels a watch at the client's request; empty (and no response, as etcd) if the id is unknown. */
  public Optional<WatchResponse> cancel(long watchId, long currentRevision) {
    if (watches.remove(watchId) == null) {
      return Optional.empty();
    }
    return Optional.of(WatchResponse.newBuilder()
        .setHeader(header(currentRevision))
        .setWatchId(watchId)
        .setCanceled(true)
        .build());
  }

  /**
   * Cancels a watch whose next revision has been compacted away: etcd answers
   * {@code canceled = true} with {@code compact_revision} set so the client can restart from it. Its
   * header carries no revision: etcd's compacted response is not at any revision of the store.
   */
  public Optional<WatchResponse> cancelCompacted(long watchId, long compactRevision) {
    if (watches.remove(watchId) == null) {
      return Optional.empty();
    }
    return Optional.of(WatchResponse.newBuilder()
        .setHeader(header(0))
        .setWatchId(watchId)
        .setCanceled(true)
        .setCompactRevision(compactRevision)
        .build());
  }

  public Optional<Watch> watch(long watchId) {
    return Optional.ofNullable(watches.get(watchId));
  }

  /** The stream's watches in creation order. */
  public Collection<Watch> watches() {
    return Collections.unmodifiableCollection(watches.values());
  }

  /**
   * Shapes events for one watch into the responses to send, in order. {@code events} may span
   * revisions (a catch-up batch) but must be in revision order; {@code revision} is the store
   * revision the batch brings the watch to and goes in the header. Events whose
   * {@code kv.mod_revision} is below the watch's next revision were already sent and are dropped
   * (etcd's {@code minRev}); then the filter applies. Nothing is sent when no event is left. With
   * {@code fragment} set, a response over the size limit is split as etcd's {@code sendFragments}.
   */
  public List<WatchResponse> deliver(long watchId, long revision, List<Event> events) {
    Watch watch = watches.get(watchId);
    if (watch == null) {
      return List.of();
    }
    return watch.deliver(revision, events, maxResponseBytes);
  }

  /**
   * Splits {@code response} as etcd's {@code sendFragments}: untouched when smaller than
   * {@code maxBytes} or holding fewer than two events; otherwise each fragment takes events while it
   * stays under {@code maxBytes} (always at least one event), every fragment but the last is marked
   * {@code fragment = true}.
   */
  static List<WatchResponse> fragment(WatchResponse response, long maxBytes) {
    if (response.getSerializedSize() < maxBytes || response.getEventsCount() < 2) {
      return List.of(response);
    }
    WatchResponse base = response.toBuilder().clearEvents().setFragment(true).build();
    int baseBytes = base.getSerializedSize();
    List<WatchResponse> out = new ArrayList<>();
    List<Event> events = response.getEventsList();
    int i = 0;
    while (i < events.size()) {
      WatchResponse.Builder cur = base.toBuilder();
      long bytes = baseBytes;
      while (i < events.size()) {
        long eventBytes = CodedOutputStream.computeMessageSize(
            WatchResponse.EVENTS_FIELD_NUMBER, events.get(i));
        if (cur.getEventsCount() > 0 && bytes + eventBytes >= maxBytes) {
          break;
        }
        cur.addEvents(events.get(i));
        bytes += eventBytes;
        i++;
      }
      if (i == events.size()) {
        cur.setFragment(false);
      }
      out.add(cur.build());
    }
    return out;
  }

  /** A create refused before it was registered (etcd: a permission denied), with {@code reason}. */
  public static WatchResponse refusal(long currentRevision, String reason) {
    return WatchResponse.newBuilder()
        .setHeader(header(currentRevision))
        .setWatchId(INVALID_WATCH_ID)
        .setCreated(true)
        .setCanceled(true)
        .setCancelReason(reason)
        .build();
  }

  private static ResponseHeader header(long revision) {
    return ResponseHeader.newBuilder().setRevision(revision).build();
  }
}
