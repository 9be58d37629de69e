package io.akkaetcd.wal;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.Persistence;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.raft.HardState;
import io.akkaetcd.raft.LogEntry;
import io.akkaetcd.raft.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** An actor system whose journal is a {@link WalJournal} over a temporary directory that outlives restarts. */
final class WalFixture implements AutoCloseable {
  final Path dir;
  ActorTestKit kit;
  private int spawned;

  WalFixture() throws IOException {
    dir = Files.createTempDirectory("wal-test");
    open();
  }

  Path journalDir() {
    return dir.resolve("raft-journal");
  }

  void open() {
    kit = ActorTestKit.create("wal-test", ConfigFactory.parseMap(Map.of("akka-etcd-wal-journal.dir",
        journalDir().toString())).withFallback(ConfigFactory.load()));
  }

  void reopen() {
    kit.shutdownTestKit();
    open();
  }

  akka.actor.ActorRef journal() {
    return Persistence.get(Adapter.toClassic(kit.system())).journalFor("", ConfigFactory.empty());
  }

  akka.actor.ActorRef spawnWal(Path legacy) {
    return ((akka.actor.ExtendedActorSystem) Adapter.toClassic(kit.system()))
        .systemActorOf(WalActor.props(legacy), "wal-" + spawned++);
  }

  /** Starts a WAL actor and returns what it recovered. */
  WalActor.Recovered recover(akka.actor.ActorRef wal) {
    TestProbe<WalActor.Recovered> probe = kit.createTestProbe();
    wal.tell(new WalActor.Start(probe.ref()), akka.actor.ActorRef.noSender());
    return probe.receiveMessage(java.time.Duration.ofSeconds(10));
  }

  void save(akka.actor.ActorRef wal, Snapshot snapshot, List<LogEntry> entries, HardState hs) {
    TestProbe<WalActor.Saved> probe = kit.createTestProbe();
    wal.tell(new WalActor.Save(snapshot, entries, hs, true, probe.ref()), akka.actor.ActorRef.noSender());
    probe.expectMessage(WalActor.Saved.INSTANCE);
  }

  long fsyncs() {
    return WalMetrics.get(Adapter.toClassic(kit.system())).fsyncDuration().count();
  }

  static List<LogEntry> entries(long from, long to, long term) {
    List<LogEntry> out = new ArrayList<>();
    for (long i = from; i <= to; i++) out.add(LogEntry.normal(i, term, ("e" + i + "t" + term).getBytes()));
    return out;
  }

  @Override
  public void close() throws IOException {
    kit.shutdownTestKit();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
