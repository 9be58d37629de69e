package io.akkaetcd.server.watch;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.akkaetcd.api.Event;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

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

  /** Who a history read was made for. */
  private record Readers(List<Member> members) {}

  private final Supplier<ActorRef<StoreActor.Command>> store;
  private final AtomicLong revisionView;
  private final WatcherRegistry<ActorRef<WatcherActor.Command>> synced = new WatcherRegistry<>();
  private final Map<ActorRef<WatcherActor.Command>, Registration> registrations = new HashMap<>();
  private final Map<ActorRef<WatcherActor.Command>, Registration> catchingUp = new LinkedHashMap<>();
  /** A history read is out: the next waits for it, and takes every watcher catching up by then. */
  private boolean reading;
  private long revision;

  /**
   * @param store the store actor (a supplier: the store is spawned after the hub, which it feeds)
   * @param revisionView set to the hub's revision after each commit, for streams to stamp created
   *     responses; its value at start must be the store's revision
   */
  public static Behavior<WatchFeed> create(Supplier<ActorRef<StoreActor.Command>> store,
      AtomicLong revisionView) {
    return Behaviors.setup(ctx -> new WatchHub(ctx, store, revisionView));
  }

  private WatchHub(ActorContext<WatchFeed> context, Supplier<ActorRef<StoreActor.Command>> store,
      AtomicLong revisionView) {
    super(context);
    this.store = store;
    this.revisionView = revisionView;
    this.revision = revisionView.get();
  }

  @Override
  public Receive<WatchFeed> createReceive() {
    return newReceiveBuilder()
        .onMessage(WatchFeed.Committed.class, this::onCommitted)
        .onMessage(WatchFeed.HistoryRead.class, this::onHistoryRead)
        .onMessage(Register.class, this::onRegister)
        .onMessage(Unregister.class, this::onUnregister)
        .onMessage(RequestProgress.class, this::onRequestProgress)
        .build();
  }

  private Behavior<WatchFeed> onCommitted(WatchFeed.Committed committed) {
    if (synced.size() > 0) {
      Map<ActorRef<WatcherActor.Command>, List<WatcherActor.Batch>> out = new LinkedHashMap<>();
      for (List<Event> events : committed.revisions()) {
        long rev = events.get(0).getKv().getModRevision();
        synced.route(events).forEach((watcher, mine) ->
            out.computeIfAbsent(watcher, w -> new ArrayList<>()).add(new WatcherActor.Batch(rev, mine)));
      }
      out.forEach((watcher, batches) ->
          watcher.tell(new WatcherActor.Deliver(registrations.get(watcher).generation, batches)));
    }
    revision = committed.revision();
    revisionView.set(revision);
    return this;
  }

  private Behavior<WatchFeed> onRegister(Register r) {
    forget(r.watcher());
    Registration reg = new Registration(r.generation(), r.range(), r.prevKv());
    registrations.put(r.watcher(), reg);
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
    reading = false;
    HistorySlices slices = new HistorySlices(read.events());
    for (Member m : ((Readers) read.tag()).members()) {
      Registration reg = catchingUp.get(m.watcher());
      if (reg == null || reg.generation != m.generation()) {
        continue; // unregistered, or registered again meanwhile
      }
      if (read.compactRevision() > 0) {
        if (reg.next < read.compactRevision()) {
          forget(m.watcher());
          m.watcher().tell(new WatcherActor.Compacted(reg.generation, read.compactRevision()));
        }
        continue; // the others read again from their own next revision
      }
      if (read.toRevision() < reg.next) {
        continue;
      }
      m.watcher().tell(new WatcherActor.Deliver(reg.generation,
          List.of(new WatcherActor.Batch(read.toRevision(), slices.slice(reg.range, reg.next)))));
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
    catchingUp.remove(watcher);
  }

  private Behavior<WatchFeed> onRequestProgress(RequestProgress p) {
    Registration reg = registrations.get(p.watcher());
    if (reg != null && reg.synced && reg.generation == p.generation()) {
      p.watcher().tell(new WatcherActor.Progress(reg.generation, revision));
    }
    return this;
  }

  private void join(ActorRef<WatcherActor.Command> watcher, Registration reg) {
    reg.synced = true;
    synced.register(watcher, reg.range);
  }

  /** One read for every watcher catching up, unless one is out already. */
  private void readHistory() {
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
    List<KeyRange> union = List.copyOf(ranges);
    reading = true;
    store.get().tell(new StoreActor.ReadHistory(from, HISTORY_BATCH_REVISIONS,
        key -> union.stream().anyMatch(r -> r.contains(key)), prevKv, new Readers(members),
        getContext().getSelf()));
  }
}
