package io.akkaetcd.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import akka.actor.testkit.typed.javadsl.BehaviorTestKit;
import akka.actor.testkit.typed.javadsl.TestInbox;
import akka.pattern.StatusReply;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.akkaetcd.api.CompactionRequest;
import io.akkaetcd.api.Event;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.mvcc.InMemoryBackend;
import io.akkaetcd.raft.LogEntry;
import io.akkaetcd.watch.KeyRange;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the store actor tells the watch hub, stepped by hand: events only after the flush that made
 * them durable, in revision order, and history reads that stop at the last published revision so
 * they meet the next {@link WatchFeed.Committed} exactly.
 */
class StoreActorWatchFeedTest {
  private final InMemoryBackend backend = new InMemoryBackend();
  private final StoreState state = new StoreState(backend, null, 7, 9, new MemberDirectory());
  private final TestInbox<WatchFeed> hub = TestInbox.create();
  private final PendingRequests pending = new PendingRequests(9, 1);
  private final BehaviorTestKit<StoreActor.Command> kit =
      BehaviorTestKit.create(StoreActor.create(state, pending, hub.getRef()));
  private long index;

  private static InternalRaftRequest put(String key, String value) {
    return InternalRaftRequest.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value))).build();
  }

  /** One batch of committed entries, as the Raft actor hands them over. */
  private void apply(InternalRaftRequest... requests) {
    List<LogEntry> entries = new java.util.ArrayList<>();
    for (InternalRaftRequest r : requests) {
      entries.add(LogEntry.normal(++index, 2, r.toByteArray()));
    }
    kit.run(new StoreActor.ApplyCommitted(entries, List.of(), 2));
  }

  /** The next message but the header updates (a new raft term) that come between. */
  private WatchFeed feed() {
    WatchFeed m = hub.receiveMessage();
    while (m instanceof WatchFeed.HeaderChanged || m instanceof WatchFeed.Attached) {
      m = feed();
    }
    return m;
  }

  private static List<Long> revisions(WatchFeed.Committed c) {
    return c.revisions().stream().map(evs -> evs.get(0).getKv().getModRevision()).toList();
  }

  @Test
  void eachAppliedBatchReachesTheHubInRevisionOrder() {
    WatchFeed.Attached attached = (WatchFeed.Attached) hub.receiveMessage();
    assertEquals(1, attached.revision());
    assertEquals(7, attached.header().getClusterId());
    assertFalse(hub.hasMessages());
    apply(put("a", "1"), put("b", "2"));
    WatchFeed.Committed c = (WatchFeed.Committed) feed();
    assertEquals(List.of(2L, 3L), revisions(c));
    assertEquals(3, c.revision());
    assertFalse(hub.hasMessages(), "one message per batch");
  }

  @Test
  void historyReadStopsAtThePublishedRevisionAndLiveEventsFollowIt() {
    apply(put("a", "1"));
    feed();
    kit.run(new StoreActor.ReadHistory(1, 1000, List.of(KeyRange.all()), true, 1, hub.getRef()));
    WatchFeed.HistoryRead read = (WatchFeed.HistoryRead) feed();
    assertEquals(2, read.toRevision());
    assertEquals(List.of(2L), read.events().stream().map(e -> e.getKv().getModRevision()).toList());
    // the hub says so when a watcher asked for prev_kv; only then do live events carry it
    kit.run(new StoreActor.WatchersWantPrevKv(true));
    apply(put("a", "2"));
    WatchFeed.Committed next = (WatchFeed.Committed) feed();
    assertEquals(List.of(3L), revisions(next), "the live side starts right after the read");
    Event put2 = next.revisions().get(0).get(0);
    assertEquals("1", put2.getPrevKv().getValue().toStringUtf8());
  }

  @Test
  void historyReadBelowTheCompactRevisionAnswersCompacted() {
    apply(put("a", "1"), put("a", "2"),
        InternalRaftRequest.newBuilder().setCompaction(CompactionRequest.newBuilder().setRevision(3)).build());
    feed();
    kit.run(new StoreActor.ReadHistory(2, 1000, List.of(KeyRange.all()), false, 1, hub.getRef()));
    WatchFeed.HistoryRead read = (WatchFeed.HistoryRead) feed();
    assertEquals(3, read.compactRevision());
    assertEquals(List.of(), read.events());
  }

  @Test
  void longHistoryIsReadInBoundedSlices() {
    for (int i = 0; i < 10; i++) {
      apply(put("k", "v" + i));
      feed();
    }
    kit.run(new StoreActor.ReadHistory(2, 4, List.of(KeyRange.all()), false, 1, hub.getRef()));
    WatchFeed.HistoryRead read = (WatchFeed.HistoryRead) feed();
    assertEquals(5, read.toRevision());
    assertEquals(4, read.events().size());
  }
}
