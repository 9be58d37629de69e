package io.akkaetcd.wal;

import static io.akkaetcd.wal.WalFixture.entries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.AtomicWrite;
import akka.persistence.JournalProtocol;
import akka.persistence.PersistentRepr;
import io.akkaetcd.raft.Configuration;
import io.akkaetcd.raft.HardState;
import io.akkaetcd.raft.MemoryRaftStorage;
import io.akkaetcd.raft.Snapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/** The journal plugin under the WAL actor: group commit, tail replacement, prefix deletion, checksums, reopen. */
class WalJournalTest {
  private WalFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new WalFixture();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  @Test
  void oneWriteCallIsOneBatchWithOneFsyncAndOnlyCommitChangesAreNotSynced() {
    TestProbe<Object> probe = f.kit.createTestProbe();
    long before = f.fsyncs();
    // Three atomic writes, five events, in one call: one synced LevelDB write.
    List<AtomicWrite> writes = List.of(
        atomic(1, new WalEvent.EntriesAppended(entries(1, 2, 1)), new WalEvent.HardStateSaved(new HardState(1, 0, 0), true)),
        atomic(3, new WalEvent.EntriesAppended(entries(3, 3, 1))),
        atomic(4, new WalEvent.EntriesAppended(entries(4, 5, 1)), new WalEvent.HardStateSaved(new HardState(1, 0, 2), false)));
    f.journal().tell(new JournalProtocol.WriteMessages(CollectionConverters.asScala(List.<akka.persistence.PersistentEnvelope>copyOf(writes)).toSeq(),
        Adapter.toClassic(probe.ref()), 1), akka.actor.ActorRef.noSender());
    probe.expectMessage(JournalProtocol.WriteMessagesSuccessful$.MODULE$);
    for (int i = 0; i < 5; i++) assertInstanceOf(JournalProtocol.WriteMessageSuccess.class, probe.receiveMessage());
    assertEquals(before + 1, f.fsyncs(), "one fsync for the whole call");

    // A batch holding only a commit-index change is written without waiting for the disk.
    f.journal().tell(new JournalProtocol.WriteMessages(CollectionConverters.asScala(List.<akka.persistence.PersistentEnvelope>of(
            atomic(6, new WalEvent.HardStateSaved(new HardState(1, 0, 5), false)))).toSeq(),
        Adapter.toClassic(probe.ref()), 1), akka.actor.ActorRef.noSender());
    probe.expectMessage(JournalProtocol.WriteMessagesSuccessful$.MODULE$);
    assertInstanceOf(JournalProtocol.WriteMessageSuccess.class, probe.receiveMessage());
    assertEquals(before + 1, f.fsyncs());

    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), replayedSeqNrs(1));
  }

  @Test
  void aRewrittenTailReplacesTheOldOneOnReplayAndEverythingSurvivesAReopen() {
    akka.actor.ActorRef wal = f.spawnWal(null);
    assertTrue(f.recover(wal).empty());
    f.save(wal, null, entries(1, 5, 1), new HardState(1, 7, 3));
    // A new leader at term 2 overwrote entries 4 and 5 and appended 6.
    f.save(wal, null, entries(4, 6, 2), new HardState(2, 9, 3));
    f.reopen();

    MemoryRaftStorage s = f.recover(f.spawnWal(null)).storage();
    assertEquals(1, s.firstIndex());
    assertEquals(6, s.lastIndex());
    assertEquals(List.of(1L, 1L, 1L, 2L, 2L, 2L), terms(s));
    assertEquals(entries(4, 6, 2), s.entries(4, 7, Long.MAX_VALUE));
    assertEquals(new HardState(2, 9, 3), s.hardState());
  }

  @Test
  void aSnapshotDeletesTheEventsItSupersedesAndTheLogResumesAfterIt() {
    akka.actor.ActorRef wal = f.spawnWal(null);
    f.recover(wal);
    f.save(wal, null, entries(1, 4, 1), new HardState(1, 1, 4)); // events 1, 2
    f.save(wal, null, entries(5, 8, 1), null);                   // event 3
    f.save(wal, null, entries(9, 10, 1), new HardState(1, 1, 10)); // events 4, 5
    Configuration conf = new Configuration(new TreeSet<>(List.of(1L)), new TreeSet<>());
    wal.tell(new WalActor.Compact(new Snapshot(6, 1, conf, new byte[0])), akka.actor.ActorRef.noSender());
    // Entry 7 is in event 3: events 1 and 2 go, 3 stays (it still holds 7 and 8).
    f.kit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(List.of(3L, 4L, 5L, 6L), replayedSeqNrs(1));
      return null;
    });
    f.reopen();

    wal = f.spawnWal(null);
    MemoryRaftStorage s = f.recover(wal).storage();
    assertEquals(7, s.firstIndex());
    assertEquals(10, s.lastIndex());
    assertEquals(new Snapshot(6, 1, conf, new byte[0]).toString(), s.snapshot().toString());
    assertEquals(entries(7, 10, 1), s.entries(7, 11, Long.MAX_VALUE));
    assertEquals(new HardState(1, 1, 10), s.hardState());

    // A snapshot covering the whole log leaves only itself; sequence numbers go on after it.
    wal.tell(new WalActor.Compact(new Snapshot(10, 1, conf, new byte[0])), akka.actor.ActorRef.noSender());
    f.kit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(List.of(7L), replayedSeqNrs(1));
      return null;
    });
    f.save(wal, null, entries(11, 11, 2), new HardState(2, 1, 10));
    f.reopen();
    s = f.recover(f.spawnWal(null)).storage();
    assertEquals(11, s.firstIndex());
    assertEquals(entries(11, 11, 2), s.entries(11, 12, Long.MAX_VALUE));
    assertEquals(List.of(7L, 8L, 9L), replayedSeqNrs(1));
  }

  @Test
  void aCorruptEventFailsRecoveryNamingTheJournalAndTheEvent() throws Exception {
    akka.actor.ActorRef wal = f.spawnWal(null);
    f.recover(wal);
    f.save(wal, null, entries(1, 3, 1), new HardState(1, 1, 0));
    f.kit.shutdownTestKit();
    // Flip one byte in the body of the second stored event.
    try (DB db = JniDBFactory.factory.open(f.journalDir().toFile(), new Options())) {
      List<byte[]> keys = new ArrayList<>();
      try (DBIterator it = db.iterator()) {
        for (it.seekToFirst(); it.hasNext(); it.next()) {
          byte[] k = it.peekNext().getKey();
          if (k[0] == 'e') keys.add(k);
        }
      }
      byte[] value = db.get(keys.get(1));
      value[value.length - 2] ^= 0x40;
      db.put(keys.get(1), value);
    }
    f.open();

    TestProbe<Object> probe = f.kit.createTestProbe();
    f.journal().tell(new JournalProtocol.ReplayMessages(1, Long.MAX_VALUE, Long.MAX_VALUE, WalActor.PERSISTENCE_ID,
        Adapter.toClassic(probe.ref())), akka.actor.ActorRef.noSender());
    assertInstanceOf(JournalProtocol.ReplayedMessage.class, probe.receiveMessage());
    JournalProtocol.ReplayMessagesFailure failure = probe.expectMessageClass(JournalProtocol.ReplayMessagesFailure.class);
    String message = failure.cause().getMessage();
    assertTrue(message.contains(f.journalDir().toString()) && message.contains("event 2 of raft-log")
        && message.contains("checksum"), message);

    // The WAL actor does not start over a corrupt journal: it stops (and the member fail-stops).
    wal = f.spawnWal(null);
    TestProbe<Object> watcher = f.kit.createTestProbe();
    watcher.expectTerminated(Adapter.toTyped(wal), Duration.ofSeconds(10));
  }

  private List<Long> replayedSeqNrs(long from) {
    TestProbe<Object> probe = f.kit.createTestProbe();
    f.journal().tell(new JournalProtocol.ReplayMessages(from, Long.MAX_VALUE, Long.MAX_VALUE, WalActor.PERSISTENCE_ID,
        Adapter.toClassic(probe.ref())), akka.actor.ActorRef.noSender());
    List<Long> seqNrs = new ArrayList<>();
    while (true) {
      Object m = probe.receiveMessage(Duration.ofSeconds(10));
      if (m instanceof JournalProtocol.ReplayedMessage r) {
        seqNrs.add(r.persistent().sequenceNr());
      } else {
        assertInstanceOf(JournalProtocol.RecoverySuccess.class, m);
        return seqNrs;
      }
    }
  }

  private static List<Long> terms(MemoryRaftStorage s) {
    List<Long> terms = new ArrayList<>();
    for (long i = s.firstIndex(); i <= s.lastIndex(); i++) terms.add(s.term(i));
    return terms;
  }

  private static AtomicWrite atomic(long firstSeqNr, WalEvent... events) {
    List<PersistentRepr> reprs = new ArrayList<>();
    for (WalEvent e : events) {
      reprs.add(PersistentRepr.apply(e, firstSeqNr++, WalActor.PERSISTENCE_ID, "", false,
          akka.actor.ActorRef.noSender(), "writer"));
    }
    return AtomicWrite.apply(CollectionConverters.asScala(reprs).toSeq());
  }
}
