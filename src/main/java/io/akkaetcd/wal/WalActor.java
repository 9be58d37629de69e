package io.akkaetcd.wal;

import akka.actor.Props;
import akka.actor.typed.ActorRef;
import akka.event.Logging;
import akka.event.LoggingAdapter;
import akka.persistence.AbstractPersistentActor;
import akka.persistence.DeleteMessagesFailure;
import akka.persistence.DeleteMessagesSuccess;
import akka.persistence.Recovery;
import akka.persistence.RecoveryCompleted;
import akka.persistence.SnapshotSelectionCriteria;
import io.akkaetcd.raft.HardState;
import io.akkaetcd.raft.LogEntry;
import io.akkaetcd.raft.MemoryRaftStorage;
import io.akkaetcd.raft.Snapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The member's write-ahead log: journals the Raft log and hard state through Akka Persistence (the journal
 * plugin is {@link WalJournal} on LevelDB; tests swap in Akka's persistence testkit) and tells the Raft actor when
 * a batch is durable, in the shape of etcd-io/raft's asynchronous storage writes.
 *
 * <p>Recovery replays the journal into a {@link RecoveredLog} and hands the resulting log to whoever sends
 * {@link Start} (the Raft actor, once). A data dir of the layout before this actor (member/wal) is migrated on
 * first start: its content goes into the journal as one atomic, synced batch, then the old database is removed.
 *
 * <p>Each {@link Save} is one {@code AtomicWrite} (one LevelDB batch, one fsync). While a write is in flight, Akka
 * Persistence queues the next saves and sends them together once it completes. A failed write stops this actor
 * (Akka Persistence does that on a persist or recovery failure; a rejection stops it too),
 * and whoever spawned it fail-stops the member: nothing after the failure is reported durable.
 */
public final class WalActor extends AbstractPersistentActor {
  public static final String PERSISTENCE_ID = "raft-log";
  /** Entries per migrated event, to bound one event's size; they all go in one atomic write. */
  private static final int MIGRATION_CHUNK = 10_000;

  /** Ask for the recovered log; answered once, after recovery. */
  public record Start(ActorRef<Recovered> replyTo) {}

  /** The log the Raft node starts from; {@code empty} if nothing was ever journaled (a brand-new member). */
  public record Recovered(MemoryRaftStorage storage, boolean empty) {}

  /**
   * One Ready's durable part: a snapshot received from the leader (metadata; it replaces the log), entries
   * (replacing any conflicting tail) and the hard state (null if unchanged). With {@code replyTo}, {@link Saved}
   * is sent once all of it is on disk; {@code sync} false is for a hard state whose only change is the commit.
   */
  public record Save(Snapshot snapshot, List<LogEntry> entries, HardState hardState, boolean sync,
                     ActorRef<Saved> replyTo) {}

  public enum Saved { INSTANCE }

  /** The store is durable up to {@code snapshot.index()}: journal that, then delete the events it supersedes. */
  public record Compact(Snapshot snapshot) {}

  private final LoggingAdapter log = Logging.getLogger(getContext().getSystem(), this);
  private final Path legacyWal;
  private final EventIndex eventIndex = new EventIndex();
  private RecoveredLog recovering = new RecoveredLog();
  private Recovered recovered;
  /** The last hard state handed to the journal (SnapshotTaken repeats it). */
  private HardState hardState = HardState.EMPTY;

  /** {@code legacyWal}: the old layout's member/wal, migrated if present (null: none to look for). */
  public static Props props(Path legacyWal) {
    return Props.create(WalActor.class, () -> new WalActor(legacyWal));
  }

  private WalActor(Path legacyWal) {
    this.legacyWal = legacyWal;
  }

  @Override
  public String persistenceId() {
    return PERSISTENCE_ID;
  }

  @Override
  public String snapshotPluginId() {
    // The Raft log's snapshots are the MVCC store's; this actor keeps no Akka snapshots.
    return "akka.persistence.no-snapshot-store";
  }

  @Override
  public Recovery recovery() {
    return Recovery.create(SnapshotSelectionCriteria.none());
  }

  @Override
  public Receive createReceiveRecover() {
    return receiveBuilder()
        .match(WalEvent.class, this::replay)
        .match(RecoveryCompleted.class, done -> recoveryCompleted())
        .build();
  }

  private void replay(WalEvent event) {
    recovering.apply(event);
    eventIndex.apply(event, lastSequenceNr());
    if (event instanceof WalEvent.HardStateSaved h) hardState = h.hardState();
    if (event instanceof WalEvent.SnapshotTaken t) hardState = t.hardState();
  }

  private void recoveryCompleted() {
    if (recovering.isEmpty() && LegacyWal.exists(legacyWal)) {
      migrate();
      return;
    }
    if (LegacyWal.exists(legacyWal)) {
      // A migration whose batch was durable but whose cleanup did not finish.
      deleteLegacy();
    }
    finishRecovery();
  }

  private void finishRecovery() {
    recovered = new Recovered(recovering.storage(), recovering.isEmpty());
    recovering = null;
    log.info("WAL: recovered the Raft log from the journal up to event {}: entries {}..{}, {}",
        lastSequenceNr(), recovered.storage().firstIndex(), recovered.storage().lastIndex(),
        recovered.storage().hardState());
  }

  /** The old database's content as one atomic write; {@link Start} waits (stashed) until it is durable. */
  private void migrate() {
    LegacyWal.Content old = LegacyWal.read(legacyWal);
    List<WalEvent> events = new ArrayList<>();
    if (old.snapshot() != null && old.snapshot().index() > 0) events.add(new WalEvent.SnapshotInstalled(old.snapshot()));
    for (int i = 0; i < old.entries().size(); i += MIGRATION_CHUNK) {
      events.add(new WalEvent.EntriesAppended(old.entries().subList(i, Math.min(i + MIGRATION_CHUNK, old.entries().size()))));
    }
    if (old.hardState() != null) events.add(new WalEvent.HardStateSaved(old.hardState(), true));
    if (events.isEmpty()) {
      deleteLegacy();
      finishRecovery();
      return;
    }
    WalEvent last = events.get(events.size() - 1);
    persistAll(events, e -> {
      replay(e);
      if (e == last) {
        log.info("WAL: migrated {} entries of the old Raft log {} into the journal", old.entries().size(), legacyWal);
        deleteLegacy();
        finishRecovery();
      }
    });
  }

  private void deleteLegacy() {
    try {
      LegacyWal.delete(legacyWal);
    } catch (java.io.IOException e) {
      // The journal already holds it; the next start tries again.
      log.warning("WAL: could not remove the migrated old Raft log {}: {}", legacyWal, e);
    }
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(Save.class, this::onSave)
        .match(Start.class, this::onStart)
        .match(Compact.class, this::onCompact)
        .match(DeleteMessagesSuccess.class, d -> log.debug("WAL: deleted journal events up to {}", d.toSequenceNr()))
        .match(DeleteMessagesFailure.class, d -> log.warning("WAL: deleting journal events up to {} failed: {}",
            d.toSequenceNr(), d.cause()))
        .build();
  }

  private void onStart(Start start) {
    if (recovered == null) throw new IllegalStateException("WAL: Start sent twice");
    start.replyTo().tell(recovered);
    recovered = null;
  }

  private void onSave(Save save) {
    List<WalEvent> events = new ArrayList<>(3);
    if (save.snapshot() != null) events.add(new WalEvent.SnapshotInstalled(save.snapshot()));
    if (!save.entries().isEmpty()) events.add(new WalEvent.EntriesAppended(save.entries()));
    if (save.hardState() != null) {
      events.add(new WalEvent.HardStateSaved(save.hardState(), save.sync()));
      hardState = save.hardState();
    }
    if (events.isEmpty()) {
      if (save.replyTo() != null) save.replyTo().tell(Saved.INSTANCE);
      return;
    }
    WalEvent last = events.get(events.size() - 1);
    // Async: saves that arrive while this one is in flight are not stashed; Akka writes them as the next batch.
    persistAllAsync(events, e -> {
      eventIndex.apply(e, lastSequenceNr());
      if (e == last && save.replyTo() != null) save.replyTo().tell(Saved.INSTANCE);
    });
  }

  private void onCompact(Compact compact) {
    persistAsync(new WalEvent.SnapshotTaken(compact.snapshot(), hardState), e -> {
      long deleteTo = eventIndex.apply(e, lastSequenceNr());
      if (deleteTo > 0) deleteMessages(deleteTo);
    });
  }

  @Override
  public void onPersistFailure(Throwable cause, Object event, long seqNr) {
    log.error(cause, "WAL: journal write of event {} failed; stopping (the member fail-stops)", seqNr);
    super.onPersistFailure(cause, event, seqNr);
  }

  @Override
  public void onPersistRejected(Throwable cause, Object event, long seqNr) {
    log.error(cause, "WAL: journal rejected event {}; stopping (the member fail-stops)", seqNr);
    getContext().stop(getSelf());
  }

  @Override
  public void onRecoveryFailure(Throwable cause, scala.Option<Object> event) {
    log.error(cause, "WAL: recovery from the journal failed; stopping (the member fail-stops)");
    super.onRecoveryFailure(cause, event);
  }
}
