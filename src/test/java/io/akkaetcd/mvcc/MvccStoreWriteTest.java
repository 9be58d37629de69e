package io.akkaetcd.mvcc;

import static io.akkaetcd.mvcc.StoreFixture.assertError;
import static io.akkaetcd.mvcc.StoreFixture.b;
import static io.akkaetcd.mvcc.StoreFixture.kv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.akkaetcd.api.DeleteRangeRequest;
import io.akkaetcd.api.DeleteRangeResponse;
import io.akkaetcd.api.Event;
import io.akkaetcd.api.KeyValue;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.PutResponse;
import io.akkaetcd.errors.EtcdError;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Revisions, versions, put options and errors, deletes, events and lease hooks. */
class MvccStoreWriteTest {

  @Test
  void freshStoreIsAtRevisionOneAndFirstPutMakesTwo() {
    StoreFixture f = new StoreFixture();
    assertEquals(1, f.store.currentRevision());
    assertEquals(0, f.store.compactRevision());
    assertEquals(2, f.put("foo", "bar"));
    assertEquals(2, f.store.currentRevision());
  }

  /** One step of a history and the state of key "foo" it must leave. */
  record Step(String op, long revisionAfter, KeyValue foo) {}

  static Stream<List<Step>> histories() {
    return Stream.of(
        List.of(
            new Step("put foo v1", 2, kv("foo", "v1", 2, 2, 1)),
            new Step("put foo v2", 3, kv("foo", "v2", 2, 3, 2)),
            new Step("put foo v3", 4, kv("foo", "v3", 2, 4, 3))),
        List.of(
            new Step("put foo v1", 2, kv("foo", "v1", 2, 2, 1)),
            new Step("del foo", 3, null),
            new Step("del foo", 3, null), // deletes nothing: no new revision
            new Step("put foo v2", 4, kv("foo", "v2", 4, 4, 1))), // new generation: version restarts
        List.of(
            new Step("put bar x", 2, null),
            new Step("put foo a", 3, kv("foo", "a", 3, 3, 1)),
            new Step("put bar y", 4, kv("foo", "a", 3, 3, 1)),
            new Step("del bar", 5, kv("foo", "a", 3, 3, 1)),
            new Step("put foo b", 6, kv("foo", "b", 3, 6, 2))));
  }

  @ParameterizedTest
  @MethodSource("histories")
  void revisionsAndVersions(List<Step> steps) {
    StoreFixture f = new StoreFixture();
    for (Step s : steps) {
      String[] w = s.op().split(" ");
      if (w[0].equals("put")) {
        f.put(w[1], w[2]);
      } else {
        f.delete(w[1]);
      }
      assertEquals(s.revisionAfter(), f.store.currentRevision(), s.op());
      assertEquals(s.foo(), f.get("foo"), s.op());
    }
  }

  record HistoricalRead(long rev, String value, long version) {}

  @ParameterizedTest
  @MethodSource("historicalReads")
  void readsAtPastRevisions(HistoricalRead c) {
    // rev 2: put a1; 3: put a2; 4: del; 5: put a3; 6: put other
    StoreFixture f = new StoreFixture();
    f.put("a", "a1");
    f.put("a", "a2");
    f.delete("a");
    f.put("a", "a3");
    f.put("z", "other");
    KeyValue got = f.get("a", c.rev());
    if (c.value() == null) {
      assertNull(got);
    } else {
      assertEquals(c.value(), got.getValue().toStringUtf8());
      assertEquals(c.version(), got.getVersion());
    }
  }

  static Stream<HistoricalRead> historicalReads() {
    return Stream.of(
        new HistoricalRead(1, null, 0),
        new HistoricalRead(2, "a1", 1),
        new HistoricalRead(3, "a2", 2),
        new HistoricalRead(4, null, 0), // tombstone
        new HistoricalRead(5, "a3", 1),
        new HistoricalRead(6, "a3", 1),
        new HistoricalRead(0, "a3", 1));
  }

  @Test
  void readAboveCurrentRevisionIsFutureRevision() {
    StoreFixture f = new StoreFixture();
    f.put("a", "1");
    assertError(EtcdError.FUTURE_REV, () -> f.get("a", 3));
  }

  // ---- put options ----

  record PutCase(String name, PutRequest request, EtcdError error, KeyValue stored, KeyValue prevKv) {}

  static Stream<PutCase> putCases() {
    // before each case: rev 2 put foo=old lease 5
    PutRequest.Builder foo = PutRequest.newBuilder().setKey(b("foo"));
    PutRequest.Builder missing = PutRequest.newBuilder().setKey(b("nope"));
    KeyValue old = kv("foo", "old", 2, 2, 1).toBuilder().setLease(5).build();
    return Stream.of(
        new PutCase("plain", foo.clone().setValue(b("new")).build(), null,
            kv("foo", "new", 2, 3, 2), null),
        new PutCase("prev_kv", foo.clone().setValue(b("new")).setPrevKv(true).build(), null,
            kv("foo", "new", 2, 3, 2), old),
        new PutCase("prev_kv of new key", missing.clone().setValue(b("v")).setPrevKv(true).build(), null,
            kv("nope", "v", 3, 3, 1), null),
        new PutCase("ignore_value keeps value", foo.clone().setIgnoreValue(true).setLease(7).build(), null,
            kv("foo", "old", 2, 3, 2).toBuilder().setLease(7).build(), null),
        new PutCase("ignore_lease keeps lease", foo.clone().setValue(b("new")).setIgnoreLease(true).build(), null,
            kv("foo", "new", 2, 3, 2).toBuilder().setLease(5).build(), null),
        new PutCase("ignore both", foo.clone().setIgnoreValue(true).setIgnoreLease(true).setPrevKv(true).build(),
            null, kv("foo", "old", 2, 3, 2).toBuilder().setLease(5).build(), old),
        new PutCase("ignore_value on missing key", missing.clone().setIgnoreValue(true).build(),
            EtcdError.KEY_NOT_FOUND, null, null),
        new PutCase("ignore_lease on missing key", missing.clone().setValue(b("v")).setIgnoreLease(true).build(),
            EtcdError.KEY_NOT_FOUND, null, null),
        new PutCase("unknown lease", foo.clone().setValue(b("v")).setLease(42).build(),
            EtcdError.LEASE_NOT_FOUND, null, null));
  }

  @ParameterizedTest
  @MethodSource("putCases")
  void putOptions(PutCase c) {
    StoreFixture f = new StoreFixture();
    f.put("foo", "old", 5);
    if (c.error() != null) {
      assertError(c.error(), () -> f.store.put(c.request()));
      assertEquals(2, f.store.currentRevision(), "a failed put changes nothing");
      assertEquals(1, f.events.size());
      return;
    }
    PutResponse resp = f.store.put(c.request());
    assertEquals(3, resp.getHeader().getRevision());
    assertEquals(c.prevKv(), resp.hasPrevKv() ? resp.getPrevKv() : null);
    assertEquals(c.stored(), f.get(c.request().getKey().toStringUtf8()));
  }

  record ValidatePutCase(PutRequest request, EtcdError error) {}

  static Stream<ValidatePutCase> validatePutCases() {
    return Stream.of(
        new ValidatePutCase(PutRequest.newBuilder().setKey(b("k")).setValue(b("v")).build(), null),
        new ValidatePutCase(PutRequest.newBuilder().setValue(b("v")).build(), EtcdError.EMPTY_KEY),
        new ValidatePutCase(PutRequest.newBuilder().setKey(b("k")).setIgnoreValue(true).build(), null),
        new ValidatePutCase(PutRequest.newBuilder().setKey(b("k")).setValue(b("v")).setIgnoreValue(true).build(),
            EtcdError.VALUE_PROVIDED),
        new ValidatePutCase(PutRequest.newBuilder().setKey(b("k")).setIgnoreLease(true).build(), null),
        new ValidatePutCase(PutRequest.newBuilder().setKey(b("k")).setLease(3).setIgnoreLease(true).build(),
            EtcdError.LEASE_PROVIDED));
  }

  @ParameterizedTest
  @MethodSource("validatePutCases")
  void validatePut(ValidatePutCase c) {
    if (c.error() == null) {
      MvccStore.validatePut(c.request());
    } else {
      assertError(c.error(), () -> MvccStore.validatePut(c.request()));
    }
  }

  @Test
  void validateRangeAndDeleteRangeNeedAKey() {
    assertError(EtcdError.EMPTY_KEY, () -> MvccStore.validateRange(io.akkaetcd.api.RangeRequest.getDefaultInstance()));
    assertError(EtcdError.EMPTY_KEY, () -> MvccStore.validateDeleteRange(DeleteRangeRequest.getDefaultInstance()));
    MvccStore.validateRange(io.akkaetcd.api.RangeRequest.newBuilder().setKey(StoreFixture.ZERO).build());
    MvccStore.validateDeleteRange(DeleteRangeRequest.newBuilder().setKey(b("a")).build());
  }

  // ---- delete ----

  record DeleteCase(String key, String end, long deleted, List<String> left) {}

  static Stream<DeleteCase> deleteCases() {
    return Stream.of(
        new DeleteCase("b", "", 1, List.of("a=1", "c=3", "d=4")),
        new DeleteCase("x", "", 0, List.of("a=1", "b=2", "c=3", "d=4")),
        new DeleteCase("b", "d", 2, List.of("a=1", "d=4")),
        new DeleteCase("b", "\0", 3, List.of("a=1")),
        new DeleteCase("\0", "\0", 4, List.of()),
        new DeleteCase("d", "b", 0, List.of("a=1", "b=2", "c=3", "d=4")));
  }

  @ParameterizedTest
  @MethodSource("deleteCases")
  void deleteRange(DeleteCase c) {
    StoreFixture f = new StoreFixture();
    for (String k : List.of("a", "b", "c", "d")) {
      f.put(k, String.valueOf(k.charAt(0) - 'a' + 1));
    }
    DeleteRangeResponse resp = f.store.deleteRange(DeleteRangeRequest.newBuilder()
        .setKey(b(c.key())).setRangeEnd(b(c.end())).setPrevKv(true).build());
    assertEquals(c.deleted(), resp.getDeleted());
    assertEquals(c.deleted(), resp.getPrevKvsCount());
    long expectedRev = c.deleted() > 0 ? 6 : 5;
    assertEquals(expectedRev, resp.getHeader().getRevision());
    assertEquals(expectedRev, f.store.currentRevision());
    assertEquals(c.left(), f.all(0));
    assertEquals(List.of("a=1", "b=2", "c=3", "d=4"), f.all(5), "history is still readable");
  }

  @Test
  void deleteWithoutPrevKvReturnsNone() {
    StoreFixture f = new StoreFixture();
    f.put("a", "1");
    DeleteRangeResponse resp = f.store.deleteRange(DeleteRangeRequest.newBuilder().setKey(b("a")).build());
    assertEquals(1, resp.getDeleted());
    assertEquals(0, resp.getPrevKvsCount());
  }

  // ---- events ----

  @Test
  void eventsOfPutsAndDeletes() {
    StoreFixture f = new StoreFixture();
    f.put("a", "1");
    f.put("a", "2");
    f.put("b", "3");
    f.delete("nothing");
    f.deleteRange("a", "c");
    assertEquals(4, f.events.size(), "one list per write revision; an empty delete makes none");
    assertEquals(List.of(Event.newBuilder().setType(Event.EventType.PUT).setKv(kv("a", "1", 2, 2, 1)).build()),
        f.events.get(0));
    assertEquals(List.of(Event.newBuilder().setType(Event.EventType.PUT).setKv(kv("a", "2", 2, 3, 2))
        .setPrevKv(kv("a", "1", 2, 2, 1)).build()), f.events.get(1));
    assertEquals(List.of(
            Event.newBuilder().setType(Event.EventType.DELETE)
                .setKv(KeyValue.newBuilder().setKey(b("a")).setModRevision(5))
                .setPrevKv(kv("a", "2", 2, 3, 2)).build(),
            Event.newBuilder().setType(Event.EventType.DELETE)
                .setKv(KeyValue.newBuilder().setKey(b("b")).setModRevision(5))
                .setPrevKv(kv("b", "3", 4, 4, 1)).build()),
        f.events.get(3));
  }

  @Test
  void withoutPrevKvInEventsAnOverwriteReadsNoPreviousValueButKeepsEverythingElse() {
    StoreFixture f = new StoreFixture();
    f.store.setEventsCarryPrevKv(false);
    f.put("a", "1", 1);
    f.put("a", "2", 2); // lease 1 detached, 2 attached, without the previous value
    PutResponse asked = f.store.put(PutRequest.newBuilder().setKey(b("a")).setValue(b("3")).setPrevKv(true).build());
    f.store.put(PutRequest.newBuilder().setKey(b("a")).setValue(b("4")).setIgnoreLease(true).build());
    f.deleteRange("a", "b");

    Event overwrite = f.events.get(1).get(0);
    assertEquals(Event.newBuilder().setType(Event.EventType.PUT).setKv(kv("a", "2", 2, 3, 2).toBuilder().setLease(2))
        .build(), overwrite, "create and mod revision, version and lease as ever; no prev_kv");
    assertTrue(MvccStore.lacksPrevKv(overwrite));
    assertFalse(MvccStore.lacksPrevKv(f.events.get(0).get(0)), "a create has no previous value");
    assertEquals(kv("a", "2", 2, 3, 2).toBuilder().setLease(2).build(), asked.getPrevKv(), "the request asked");
    assertEquals(kv("a", "4", 2, 5, 4), f.events.get(3).get(0).getKv(), "ignore_lease kept none: 3 dropped it");
    assertTrue(f.events.get(4).get(0).hasPrevKv(), "a delete's event keeps prev_kv");
    assertEquals(List.of("attach 1 a", "detach 1 a", "attach 2 a", "detach 2 a"), f.leases.calls);
    // The history (read from the backend once committed) still answers with prev_kv.
    f.store.commit(false);
    List<Event> history = f.store.eventsBetween(3, 3, k -> true, true);
    assertEquals(kv("a", "1", 2, 2, 1).toBuilder().setLease(1).build(), history.get(0).getPrevKv());
  }

  // ---- leases ----

  @Test
  void leaseHooksFollowTheKeysLease() {
    StoreFixture f = new StoreFixture();
    f.put("k", "v", 1); // attach 1
    f.put("k", "v", 1); // same lease: nothing
    f.put("k", "v", 2); // detach 1, attach 2
    f.put("k", "v"); // detach 2
    f.put("k", "v", 3); // attach 3
    f.store.put(PutRequest.newBuilder().setKey(b("k")).setValue(b("w")).setIgnoreLease(true).build()); // keeps 3
    f.delete("k"); // detach 3
    f.put("plain", "v");
    assertEquals(List.of("attach 1 k", "detach 1 k", "attach 2 k", "detach 2 k", "attach 3 k", "detach 3 k"),
        f.leases.calls);
  }

  @Test
  void storeWithoutLeasesKnowsOnlyLeaseZero() {
    MvccStore store = MvccStore.open(new InMemoryBackend(), LeaseHooks.NONE);
    assertError(EtcdError.LEASE_NOT_FOUND,
        () -> store.put(PutRequest.newBuilder().setKey(b("k")).setLease(1).build()));
    store.put(PutRequest.newBuilder().setKey(b("k")).build());
    assertEquals(2, store.currentRevision());
    assertFalse(store.range(io.akkaetcd.api.RangeRequest.newBuilder().setKey(b("k")).build()).getKvsList().isEmpty());
    assertTrue(store.hasPendingWrites());
  }
}
