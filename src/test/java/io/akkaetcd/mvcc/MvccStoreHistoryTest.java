package io.akkaetcd.mvcc;

import static io.akkaetcd.mvcc.StoreFixture.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.akkaetcd.api.CompactionRequest;
import io.akkaetcd.api.Event;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** History replay for watches ({@link MvccStore#eventsBetween}) and the lease bucket. */
class MvccStoreHistoryTest {
  private StoreFixture f;

  /*
   * rev 2: put a=1      rev 3: put b=2      rev 4: put a=11
   * rev 5: delete a     rev 6: put c=3 + put a=new (one txn-less write each; here two puts)
   */
  @BeforeEach
  void writeHistory() {
    f = new StoreFixture();
    f.put("a", "1");
    f.put("b", "2");
    f.put("a", "11");
    f.delete("a");
    f.put("c", "3");
    f.store.commit(true);
  }

  static String show(Event e) {
    String s = e.getType() + " " + e.getKv().getKey().toStringUtf8() + "@" + e.getKv().getModRevision();
    if (e.getType() == Event.EventType.PUT) {
      s += "=" + e.getKv().getValue().toStringUtf8() + " v" + e.getKv().getVersion();
    }
    if (e.hasPrevKv()) {
      s += " prev=" + e.getPrevKv().getValue().toStringUtf8();
    }
    return s;
  }

  List<String> history(long from, long to, Predicate<com.google.protobuf.ByteString> keys, boolean prevKv) {
    return f.store.eventsBetween(from, to, keys, prevKv).stream().map(MvccStoreHistoryTest::show).toList();
  }

  @Test
  void replaysPutsAndTombstonesInRevisionOrder() {
    assertEquals(List.of("PUT a@2=1 v1", "PUT b@3=2 v1", "PUT a@4=11 v2", "DELETE a@5", "PUT c@6=3 v1"),
        history(1, 6, k -> true, false));
  }

  @Test
  void boundsAreInclusiveAndKeysFiltered() {
    assertEquals(List.of("PUT a@4=11 v2", "DELETE a@5"), history(3, 5, k -> k.equals(b("a")), false));
    assertEquals(List.of(), history(7, 9, k -> true, false));
    assertEquals(List.of(), history(5, 4, k -> true, false));
  }

  @Test
  void prevKvIsTheValueJustBeforeExceptForCreates() {
    assertEquals(List.of("PUT a@2=1 v1", "PUT a@4=11 v2 prev=1", "DELETE a@5 prev=11"),
        history(1, 6, k -> k.equals(b("a")), true));
  }

  @Test
  void replayedEventsEqualTheLiveOnesButForPrevKv() {
    List<Event> live = f.events.stream().flatMap(List::stream).toList();
    List<Event> replayed = f.store.eventsBetween(1, 6, k -> true, true);
    assertEquals(live, replayed);
  }

  @Test
  void prevKvIsAbsentWhenItsRevisionWasCompacted() {
    f.store.compact(CompactionRequest.newBuilder().setRevision(4).build());
    f.store.commit(true);
    // revision 4 survives compaction at 4 (a's newest revision then); a's value at 2 does not
    assertEquals(List.of("DELETE a@5 prev=11"), history(5, 6, k -> k.equals(b("a")), true));
  }

  @Test
  void leasesPersistInTheLeaseBucketWithTheNextCommit() {
    f.store.saveLease(7, 30, 0);
    f.store.saveLease(3, 10, 4);
    assertTrue(f.store.hasPendingWrites());
    assertTrue(LeaseBucket.load(f.backend).isEmpty(), "nothing before the commit");
    f.store.commit(true);
    assertEquals(List.of(new LeaseBucket.LeaseRecord(3, 10, 4), new LeaseBucket.LeaseRecord(7, 30, 0)),
        LeaseBucket.load(f.backend));
    f.store.removeLease(3);
    f.store.commit(true);
    assertEquals(List.of(new LeaseBucket.LeaseRecord(7, 30, 0)), LeaseBucket.load(f.backend));
    f.reopen();
    assertFalse(f.store.hasPendingWrites());
    assertEquals(6, f.store.currentRevision(), "the lease bucket is not mistaken for history");
  }
}
