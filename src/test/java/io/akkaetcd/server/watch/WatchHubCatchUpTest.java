package io.akkaetcd.server.watch;

import static org.junit.jupiter.api.Assertions.*;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.google.protobuf.ByteString;
import io.akkaetcd.api.Event;
import io.akkaetcd.api.KeyValue;
import io.akkaetcd.api.ResponseHeader;
import io.akkaetcd.store.StoreActor;
import io.akkaetcd.store.WatchFeed;
import io.akkaetcd.watch.KeyRange;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Watchers catching up share history reads, as etcd's syncWatchers; each gets only its own events. */
class WatchHubCatchUpTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private final TestProbe<StoreActor.Command> store = testKit.createTestProbe();
  private final ActorRef<WatchFeed> hub = attached(testKit.spawn(WatchHub.create()));

  private ActorRef<WatchFeed> attached(ActorRef<WatchFeed> hub) {
    hub.tell(new WatchFeed.Attached(store.ref(), 10, ResponseHeader.newBuilder().setClusterId(7).build()));
    return hub;
  }

  private static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static Event put(String key, long rev) {
    return Event.newBuilder().setKv(KeyValue.newBuilder().setKey(bs(key)).setModRevision(rev)).build();
  }

  private TestProbe<WatcherActor.Command> register(long next, KeyRange range) {
    TestProbe<WatcherActor.Command> w = testKit.createTestProbe();
    hub.tell(new WatchHub.Register(w.ref(), 1, range, next, false));
    return w;
  }

  private static List<Long> revisions(WatcherActor.Command delivered) {
    return ((WatcherActor.Deliver) delivered).batches().stream()
        .flatMap(b -> b.events().stream()).map(e -> e.getKv().getModRevision()).toList();
  }

  @Test
  void watchersBehindShareOneReadFromTheSmallestNextRevision() {
    TestProbe<WatcherActor.Command> a = register(4, KeyRange.prefix(bs("a/")));
    StoreActor.ReadHistory first = store.expectMessageClass(StoreActor.ReadHistory.class);
    assertEquals(4, first.fromRevision());
    // While that read is out, two more fall behind: they wait for it, then share the next read.
    TestProbe<WatcherActor.Command> b = register(7, KeyRange.prefix(bs("a/")));
    TestProbe<WatcherActor.Command> c = register(2, KeyRange.prefix(bs("b/")));
    store.expectNoMessage(Duration.ofMillis(100));

    hub.tell(new WatchFeed.HistoryRead(first.tag(), 5, List.of(put("a/x", 4), put("a/y", 5)), 0));
    assertEquals(List.of(4L, 5L), revisions(a.receiveMessage()));
    StoreActor.ReadHistory shared = store.expectMessageClass(StoreActor.ReadHistory.class);
    store.expectNoMessage(Duration.ofMillis(100));
    assertEquals(2, shared.fromRevision(), "the smallest next revision of a (6), b (7) and c (2)");
    assertEquals(java.util.Set.of(KeyRange.prefix(bs("a/")), KeyRange.prefix(bs("b/"))),
        java.util.Set.copyOf(shared.ranges()));

    List<Event> history = List.of(put("b/1", 2), put("a/1", 6), put("a/2", 7), put("b/2", 8), put("a/3", 10));
    hub.tell(new WatchFeed.HistoryRead(shared.tag(), 10, history, 0));
    assertEquals(List.of(6L, 7L, 10L), revisions(a.receiveMessage()));
    assertEquals(List.of(7L, 10L), revisions(b.receiveMessage()));
    assertEquals(List.of(2L, 8L), revisions(c.receiveMessage()));
    store.expectNoMessage(Duration.ofMillis(100)); // all three reached the hub's revision: live now

    hub.tell(new WatchFeed.Committed(11, List.of(List.of(put("a/4", 11)))));
    assertEquals(List.of(11L), revisions(a.receiveMessage()));
    assertEquals(List.of(11L), revisions(b.receiveMessage()));
    c.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aCompactedReadCancelsOnlyTheWatchersBelowTheCompaction() {
    TestProbe<WatcherActor.Command> a = register(3, KeyRange.all());
    StoreActor.ReadHistory first = store.expectMessageClass(StoreActor.ReadHistory.class);
    TestProbe<WatcherActor.Command> b = register(8, KeyRange.all());
    TestProbe<WatcherActor.Command> c = register(4, KeyRange.all());
    hub.tell(new WatchFeed.HistoryRead(first.tag(), 6, List.of(), 0));
    assertEquals(List.of(), revisions(a.receiveMessage()));

    StoreActor.ReadHistory shared = store.expectMessageClass(StoreActor.ReadHistory.class);
    assertEquals(4, shared.fromRevision(), "a (7), b (8), c (4)");
    hub.tell(new WatchFeed.HistoryRead(shared.tag(), 10, List.of(), 5)); // compacted at 5
    assertInstanceOf(WatcherActor.Compacted.class, c.receiveMessage());
    a.expectNoMessage(Duration.ofMillis(100));
    b.expectNoMessage(Duration.ofMillis(100));

    StoreActor.ReadHistory again = store.expectMessageClass(StoreActor.ReadHistory.class);
    assertEquals(7, again.fromRevision(), "a and b read again from their own revisions");
    hub.tell(new WatchFeed.HistoryRead(again.tag(), 10, List.of(put("k", 7), put("k", 9)), 0));
    assertEquals(List.of(7L, 9L), revisions(a.receiveMessage()));
    assertEquals(List.of(9L), revisions(b.receiveMessage()));
    c.expectNoMessage(Duration.ofMillis(100));
  }

  private static Event overwrite(String key, long rev, boolean withPrev) {
    Event.Builder e = Event.newBuilder().setType(Event.EventType.PUT)
        .setKv(KeyValue.newBuilder().setKey(bs(key)).setModRevision(rev).setVersion(2));
    if (withPrev) {
      e.setPrevKv(KeyValue.newBuilder().setKey(bs(key)).setModRevision(rev - 1).setVersion(1));
    }
    return e.build();
  }

  @Test
  void aPrevKvWatcherRoutedAnEventWithoutPrevKvReadsItFromHistory() {
    TestProbe<WatcherActor.Command> plain = register(11, KeyRange.all());
    TestProbe<WatcherActor.Command> withPrev = testKit.createTestProbe();
    hub.tell(new WatchHub.Register(withPrev.ref(), 1, KeyRange.all(), 11, true));
    assertEquals(new StoreActor.WatchersWantPrevKv(true), store.receiveMessage());

    // Written before the store heard it: revision 11 is a create (no prev_kv due), 12 an overwrite
    // without it, 13 came after the store heard.
    hub.tell(new WatchFeed.Committed(13, List.of(List.of(put("k", 11)), List.of(overwrite("k", 12, false)),
        List.of(overwrite("k", 13, true)))));
    assertEquals(List.of(11L, 12L, 13L), revisions(plain.receiveMessage()));
    assertEquals(List.of(11L), revisions(withPrev.receiveMessage()), "up to the event without prev_kv");
    StoreActor.ReadHistory read = store.expectMessageClass(StoreActor.ReadHistory.class);
    assertEquals(12, read.fromRevision());
    assertTrue(read.prevKv());

    hub.tell(new WatchFeed.HistoryRead(read.tag(), 13, List.of(overwrite("k", 12, true), overwrite("k", 13, true)), 0));
    WatcherActor.Deliver caughtUp = (WatcherActor.Deliver) withPrev.receiveMessage();
    assertEquals(List.of(12L, 13L), revisions(caughtUp));
    assertTrue(caughtUp.batches().stream().flatMap(b -> b.events().stream()).allMatch(Event::hasPrevKv));

    hub.tell(new WatchFeed.Committed(14, List.of(List.of(overwrite("k", 14, true)))));
    assertEquals(List.of(14L), revisions(withPrev.receiveMessage()), "live again");
    assertEquals(List.of(14L), revisions(plain.receiveMessage()));

    hub.tell(new WatchHub.Unregister(withPrev.ref()));
    assertEquals(new StoreActor.WatchersWantPrevKv(false), store.receiveMessage());
  }
}
