package io.akkaetcd.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.Behaviors;
import io.akkaetcd.raft.Ready;
import io.akkaetcd.raft.Snapshot;
import io.akkaetcd.storage.RaftWal;

/**
 * Journals the Raft log: each Ready's entries, hard state and snapshot go to the WAL in one synced
 * write, then the Raft actor hears back. Runs on the blocking-I/O dispatcher so an fsync stall never
 * holds up the Raft actor's timers or the store.
 */
public final class WalActor {
  private WalActor() {}

  public sealed interface Command {}

  /** Persist the durable part of {@code ready}; reply once it is on disk. */
  public record Save(Ready ready, ActorRef<Saved> replyTo) implements Command {}

  /** Write a hard state that changed only its commit index, without fsync and without a reply. */
  public record SaveCommit(io.akkaetcd.raft.HardState hardState) implements Command {}

  public record Saved(Ready ready) {}

  /** Drop entries the MVCC backend now holds durably. */
  public record Compact(Snapshot snapshot) implements Command {}

  public static Behavior<Command> create(RaftWal wal) {
    return Behaviors.receive(Command.class)
        .onMessage(Save.class, save -> {
          Ready rd = save.ready();
          wal.save(rd.hardState(), rd.entries(), rd.snapshot(), true);
          save.replyTo().tell(new Saved(rd));
          return Behaviors.same();
        })
        .onMessage(SaveCommit.class, save -> {
          wal.save(save.hardState(), java.util.List.of(), null, false);
          return Behaviors.same();
        })
        .onMessage(Compact.class, compact -> {
          wal.compact(compact.snapshot());
          return Behaviors.same();
        })
        .onSignal(PostStop.class, signal -> {
          wal.close();
          return Behaviors.same();
        })
        .build();
  }
}
