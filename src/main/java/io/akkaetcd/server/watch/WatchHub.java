package io.akkaetcd.server.watch;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.akkaetcd.api.Event;
import io.akkaetcd.api.ResponseHeader;
import io.akkaetcd.api.WatchRequest;
import io.akkaetcd.mvcc.MvccStore;
import io.akkaetcd.store.StoreActor;
import io.akkaetcd.store.WatchFeed;
import io.akkaetcd.watch.HistorySlices;
import io.akkaetcd.watch.KeyRange;
import io.akkaetcd.watch.WatcherRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The member's one watch hub (etcd's watchableStore): which watcher actors want which keys, fed by
 * the store actor's durable events.
 *
 * <p>A watcher is either synced (in the {@link WatcherRegistry}; it gets every live revision that
 * touches its range) or catching up (its next revision is at or below the hub's revision: the hub
 * reads the missing history from the store, at most {@link #HISTORY_BATCH_REVISIONS} revisions at a
 * time). As etcd's syncWatchers, the watchers catching up share the reads: one read at a time, from
 * the smallest next revision among them, for the union of their ranges, split among them by range
 * and revision. A thousand watchers of one prefix that fell behind together cost one read per
 * batch of revisions, not a thousand. Because history reads are answered by the store actor in order with its
 * {@link WatchFeed.Committed} messages, a read that ends at the hub's revision ends exactly where live
 * events begin: the watcher joins the registry then, with nothing missed or doubled.
 *
 * <p>Every registration carries a generation chosen by the watcher; messages for an older generation
 * are ignored by the watcher, so a watcher that fell behind and registered again never takes events
 * meant for its previous life.
 */
public final class WatchHub extends AbstractBehavior<WatchFeed> {
  /** etcd's watchBatchMaxRevs: the most revisions one catch-up read covers. */
  static final int HISTORY_BATCH_REVISIONS = 1000;

  public record Register(ActorRef<WatcherActor.Command> watcher, long generation, KeyRange range,
      long nextRevision, boolean prevKv) implements WatchFeed {}

  public record Unregister(ActorRef<WatcherActor.Command> watcher) implements WatchFeed {}

  /**
   * A stream's request, to be handled at the hub's current revision: answered with
   * {@link WatchStreamActor.AtRevision}. Every request of a stream passes here, so they keep their order.
   */
  public record RevisionFor(WatchRequest request, ActorRef<WatchStreamActor.Command> stream)
      implements WatchFeed {}

  /** Answered with {@link WatcherActor.Progress} if the watcher is synced, else not at all. */
  public record RequestProgress(ActorRef<WatcherActor.Command> watcher, long generation)
      implements WatchFeed {}

  private static final class Registration {
    final long generation;
    final KeyRange range;
    final boolean prevKv;
    boolean synced;
    /** While catching up: the first revision it still needs. */
    long next;

    Registration(long generation, KeyRange range, boolean prevKv) {
      this.generation = generation;
      this.range = range;
      this.prevKv = prevKv;
    }
  }

  private record Member(ActorRef<WatcherActor.Command> watcher, long generation) {}

  private final WatchGauges gauges;
  private ActorRef<StoreActor.Command> store;
  private ResponseHeader header;
  private final WatcherRegistry<ActorRef<WatcherActor.Command>> synced = new WatcherRegistry<>();
  private final Map<ActorRef<WatcherActor.Command>, Registration> registrations = new HashMap<>();
  private final Map<ActorRef<WatcherActor.Command>, Registration> catchingUp = new LinkedHashMap<>();
  /** A history read is out: the next waits for it, and takes every watcher catching up by then. */
  private boolean reading;
  /** Who the read that is out was made for, and its tag. */
  private List<Member> readers = List.of();
  private long readTag;
  private long revision;
  /** Registrations that want prev_kv: while there are none, the store leaves it out of put events. */
  private int prevKvWatchers;

  /**
   * The hub waits for the store actor's {@link WatchFeed.Attached} (the store is spawned after the
   * hub, which it feeds) and keeps what arrives before it.
   */
  public static Behavior<WatchFeed> create() {
    return create(new WatchGauges());
  }

  /** The same, telling {@code gauges} how many watchers it is catching up. */
  public static Behavior<WatchFeed> create(WatchGauges gauges) {
    return Behaviors.setup(ctx -> Behaviors.withStash(STASH_BEFORE_ATTACH, stash ->
        Behaviors.receive(WatchFeed.class)
            .onMessage(WatchFeed.Attached.class, a -> stash.unstashAll(new WatchHub(ctx, a, gauges)))
            .onAnyMessage(m -> {
              stash.stash(m);
              return Behaviors.same();
            })
            .build()));
  }

  private static final int STASH_BEFORE_ATTACH = 10_000;

  private WatchHub(ActorContext<WatchFeed> context, WatchFeed.Attached attached, WatchGauges gauges) {
    super(context);
    this.gauges = gauges;
    onAttached(attached);
  }

  @Override
  public Receive<WatchFeed> createReceive() {
    return newReceiveBuilder()
        .onMessage(WatchFeed.Committed.class, this::onCommitted)
        .onMessage(WatchFeed.HistoryRead.class, this::onHistoryRead)
        .onMessage(Register.class, this::onRegister)
        .onMessage(Unregister.class, this::onUnregister)
        .onMessage(RequestProgress.class, this::onRequestProgress)
        .onMessage(RevisionFor.class, this::onRevisionFor)
        .onMessage(WatchFeed.Attached.class, this::onAttached)
        .onMessage(WatchFeed.HeaderChanged.class, h -> {
          header = h.header();
          return this;
        })
        .build();
  }

  private Behavior<WatchFeed> onAttached(WatchFeed.Attached attached) {
    store = attached.store();
    revision = attached.revision();
    header = attached.header();
    return this;
  }

  private Behavior<WatchFeed> onRevisionFor(RevisionFor r) {
    r.stream().tell(new WatchStreamActor.AtRevision(r.request(), revision, header));
    return this;
  }

  private Behavior<WatchFeed> onCommitted(WatchFeed.Committed committed) {
    if (synced.size() > 0) {
      Map<ActorRef<WatcherActor.Command>, List<WatcherActor.Batch>> out = new LinkedHashMap<>();
      Map<ActorRef<WatcherActor.Command>, Long> missingPrev = new LinkedHashMap<>();
      for (List<Event> events : committed.revisions()) {
        long rev = events.get(0).getKv().getModRevision();
        synced.route(events).forEach((watcher, mine) -> {
          if (missingPrev.containsKey(watcher)) {
            return;
          }
          if (registrations.get(watcher).prevKv && mine.stream().anyMatch(MvccStore::lacksPrevKv)) {
            missingPrev.put(watcher, rev);
            return;
          }
          out.computeIfAbsent(watcher, w -> new ArrayList<>()).add(new WatcherActor.Batch(rev, mine));
        });
      }
      out.forEach((watcher, batches) ->
          watcher.tell(new WatcherActor.Deliver(registrations.get(watcher).generation, batches, header)));
      missingPrev.forEach(this::catchUpFrom);
    }
    revision = committed.revision();
    readHistory();
    return this;
  }

  /**
   * A watcher with prev_kv was routed an event written before the store heard that it is wanted: it
   * leaves the synced set and reads that revision on from history, where prev_kv is read.
   */
  private void catchUpFrom(ActorRef<WatcherActor.Command> watcher, long rev) {
    Registration reg = registrations.get(watcher);
    synced.unregister(watcher);
    reg.synced = false;
    reg.next = rev;
    catchingUp.put(watcher, reg);
  }

  private Behavior<WatchFeed> onRegister(Register r) {
    forget(r.watcher());
    Registration reg = new Registration(r.generation(), r.range(), r.prevKv());
    registrations.put(r.watcher(), reg);
    if (reg.prevKv && prevKvWatchers++ == 0) {
      store.tell(new StoreActor.WatchersWantPrevKv(true));
    }
    if (r.nextRevision() > revision) {
      join(r.watcher(), reg);
    } else {
      reg.next = r.nextRevision();
      catchingUp.put(r.watcher(), reg);
      readHistory();
    }
    return this;
  }

  private Behavior<WatchFeed> onHistoryRead(WatchFeed.HistoryRead read) {
    if (!reading || read.tag() != readTag) {
      return this; // a read made before the store was attached again
    }
    reading = false;
    HistorySlices slices = new HistorySlices(read.events());
    for (Member m : readers) {
      Registration reg = catchingUp.get(m.watcher());
      if (reg == null || reg.generation != m.generation()) {
        continue; // unregistered, or registered again meanwhile
      }
      if (read.compactRevision() > 0) {
        if (reg.next < read.compactRevision()) {
          forget(m.watcher());
          m.watcher().tell(new WatcherActor.Compacted(reg.generation, read.compactRevision(), revision, header));
        }
        continue; // the others read again from their own next revision
      }
      if (read.toRevision() < reg.next) {
        continue;
      }
      m.watcher().tell(new WatcherActor.Deliver(reg.generation,
          List.of(new WatcherActor.Batch(read.toRevision(), slices.slice(reg.range, reg.next))), header));
      reg.next = read.toRevision() + 1;
      if (read.toRevision() >= revision) {
        catchingUp.remove(m.watcher());
        join(m.watcher(), reg);
      }
    }
    readHistory();
    return this;
  }

  private Behavior<WatchFeed> onUnregister(Unregister u) {
    forget(u.watcher());
    return this;
  }

  private void forget(ActorRef<WatcherActor.Command> watcher) {
    Registration reg = registrations.remove(watcher);
    if (reg != null && reg.synced) {
      synced.unregister(watcher);
    }
    if (reg != null && reg.prevKv && --prevKvWatchers == 0) {
      store.tell(new StoreActor.WatchersWantPrevKv(false));
    }
    catchingUp.remove(watcher);
    gauges.catchingUp(catchingUp.size());
  }

  private Behavior<WatchFeed> onRequestProgress(RequestProgress p) {
    Registration reg = registrations.get(p.watcher());
    if (reg != null && reg.synced && reg.generation == p.generation()) {
      p.watcher().tell(new WatcherActor.Progress(reg.generation, revision, header));
    }
    return this;
  }

  private void join(ActorRef<WatcherActor.Command> watcher, Registration reg) {
    reg.synced = true;
    synced.register(watcher, reg.range);
  }

  /** One read for every watcher catching up, unless one is out already. */
  private void readHistory() {
    gauges.catchingUp(catchingUp.size());
    if (reading || catchingUp.isEmpty()) {
      return;
    }
    long from = Long.MAX_VALUE;
    boolean prevKv = false;
    Set<KeyRange> ranges = new HashSet<>();
    List<Member> members = new ArrayList<>(catchingUp.size());
    for (Map.Entry<ActorRef<WatcherActor.Command>, Registration> e : catchingUp.entrySet()) {
      Registration reg = e.getValue();
      from = Math.min(from, reg.next);
      prevKv |= reg.prevKv;
      ranges.add(reg.range);
      members.add(new Member(e.getKey(), reg.generation));
    }
    reading = true;
    readers = members;
    store.tell(new StoreActor.ReadHistory(from, HISTORY_BATCH_REVISIONS, List.copyOf(ranges), prevKv,
        ++readTag, getContext().getSelf()));
  }
}
