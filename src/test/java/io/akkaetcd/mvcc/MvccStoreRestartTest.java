package io.akkaetcd.mvcc;

import static io.akkaetcd.mvcc.StoreFixture.b;
import static io.akkaetcd.mvcc.StoreFixture.kv;
import static io.akkaetcd.mvcc.TxnOps.del;
import static io.akkaetcd.mvcc.TxnOps.put;
import static io.akkaetcd.mvcc.TxnOps.then;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.akkaetcd.api.CompactionRequest;
import io.akkaetcd.api.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What survives {@link MvccStore#open} over the same backend: exactly what was committed. */
class MvccStoreRestartTest {

  record History(String name, Consumer<StoreFixture> writes) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<History> histories() {
    return Stream.of(
        new History("puts", f -> {
          f.put("a", "1");
          f.put("a", "2");
          f.put("b", "1");
        }),
        new History("deletes and recreation", f -> {
          f.put("a", "1");
          f.put("b", "1");
          f.delete("a");
          f.put("a", "2");
          f.deleteRange("a", "c");
          f.put("b", "3");
        }),
        new History("txn with sub revisions", f -> {
          f.put("x", "0");
          f.store.txn(then(put("a", "1"), del("x"), put("b", "2")));
          f.store.txn(then(put("x", "again")));
        }),
        new History("compacted", f -> {
          f.put("a", "1");
          f.put("a", "2");
          f.put("b", "1");
          f.delete("b");
          f.put("c", "1");
          f.store.compact(CompactionRequest.newBuilder().setRevision(5).build());
          f.put("a", "3");
        }),
        new History("leases", f -> {
          f.put("a", "1", 1);
          f.put("b", "1", 2);
          f.put("b", "2");
          f.put("c", "1", 3);
          f.delete("c");
        }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("histories")
  void reopenReproducesCommittedState(History h) {
    StoreFixture f = new StoreFixture();
    h.writes().accept(f);
    f.store.commit(true);
    long rev = f.store.currentRevision();
    long compacted = f.store.compactRevision();
    List<List<String>> everyRevision = new ArrayList<>();
    for (long r = Math.max(1, compacted); r <= rev; r++) {
      everyRevision.add(rangeAll(f, r));
    }
    List<List<List<Revision>>> generations = new ArrayList<>();
    for (String k : List.of("a", "b", "c", "x")) {
      generations.add(f.store.generations(b(k)));
    }

    f.leases.calls.clear();
    f.reopen();

    assertEquals(rev, f.store.currentRevision());
    assertEquals(compacted, f.store.compactRevision());
    for (long r = Math.max(1, compacted); r <= rev; r++) {
      assertEquals(everyRevision.get((int) (r - Math.max(1, compacted))), rangeAll(f, r), "at revision " + r);
    }
    List<List<List<Revision>>> reopened = new ArrayList<>();
    for (String k : List.of("a", "b", "c", "x")) {
      reopened.add(f.store.generations(b(k)));
    }
    assertEquals(generations, reopened);
    // the next write continues the history
    f.put("a", "next");
    assertEquals(rev + 1, f.store.currentRevision());
  }

  @Test
  void reopenTellsTheLessorWhichKeysHoldLeases() {
    StoreFixture f = new StoreFixture();
    f.put("a", "1", 1);
    f.put("b", "1", 2);
    f.put("b", "2");
    f.put("c", "1", 3);
    f.delete("c");
    f.put("d", "1", 4);
    f.put("d", "2", 5);
    f.store.commit(false);
    f.leases.calls.clear();
    f.reopen();
    assertEquals(List.of("attach 1 a", "attach 5 d"), f.leases.calls.stream().sorted().toList());
  }

  @Test
  void uncommittedWritesAreNotInTheBackend() {
    StoreFixture f = new StoreFixture();
    f.put("a", "1");
    f.store.commit(true);
    long writes = f.backend.writeCount();
    f.put("a", "2");
    f.put("b", "1");
    f.delete("a");
    assertTrue(f.store.hasPendingWrites());
    assertEquals(writes, f.backend.writeCount(), "nothing reaches the backend before commit");
    assertNull(f.get("a"));
    assertEquals(kv("a", "2", 2, 3, 2), f.get("a", 3), "reads see pending writes");

    f.reopen(); // as after a crash: the pending writes are lost
    assertEquals(2, f.store.currentRevision());
    assertEquals(kv("a", "1", 2, 2, 1), f.get("a"));
    assertNull(f.get("b"));
    assertEquals(3, f.put("c", "1"));
  }

  @Test
  void commitWritesOneBatchAndOnlyWhenSomethingIsPending() {
    StoreFixture f = new StoreFixture();
    f.store.commit(true);
    assertEquals(0, f.backend.writeCount(), "nothing to write");
    f.put("a", "1");
    f.put("b", "1");
    f.store.txn(then(put("c", "1"), put("d", "1")));
    f.store.commit(false);
    assertEquals(1, f.backend.writeCount());
    assertFalse(f.store.hasPendingWrites());
    f.store.range(io.akkaetcd.api.RangeRequest.newBuilder().setKey(b("a")).build());
    f.store.commit(true);
    assertEquals(1, f.backend.writeCount(), "reads write nothing");
  }

  @Test
  void commitPassesSyncToTheBackend() {
    List<Boolean> syncs = new ArrayList<>();
    InMemoryBackend inner = new InMemoryBackend();
    Backend recording = new Backend() {
      @Override
      public byte[] get(byte[] key) {
        return inner.get(key);
      }

      @Override
      public void scan(byte[] from, byte[] to, BiConsumer<byte[], byte[]> visitor) {
        inner.scan(from, to, visitor);
      }

      @Override
      public void write(WriteBatch batch, boolean sync) {
        syncs.add(sync);
        inner.write(batch, sync);
      }

      @Override
      public PointInTime openPointInTime() {
        return inner.openPointInTime();
      }

      @Override
      public void close() {}
    };
    MvccStore store = MvccStore.open(recording, LeaseHooks.NONE);
    store.put(io.akkaetcd.api.PutRequest.newBuilder().setKey(b("a")).build());
    store.commit(true);
    store.put(io.akkaetcd.api.PutRequest.newBuilder().setKey(b("a")).build());
    store.commit(false);
    assertEquals(List.of(true, false), syncs);
  }

  @Test
  void restartAfterCompactingEverythingAwayKeepsTheRevision() {
    StoreFixture f = new StoreFixture();
    f.put("a", "1");
    f.delete("a");
    f.store.compact(CompactionRequest.newBuilder().setRevision(3).build());
    f.store.commit(true);
    assertEquals(List.of(), MvccStoreCompactionTest.backendRevisions(f.backend));
    f.reopen();
    assertEquals(3, f.store.currentRevision());
    assertEquals(3, f.store.compactRevision());
    assertEquals(0, f.store.indexedKeys());
    assertEquals(4, f.put("a", "2"));
    assertEquals(kv("a", "2", 4, 4, 1), f.get("a"));
  }

  @Test
  void backendLayoutIsEtcds() {
    StoreFixture f = new StoreFixture();
    f.put("foo", "bar");
    f.store.txn(then(put("x", "1"), del("foo")));
    f.store.commit(true);
    byte[] put = {'k', 0, 0, 0, 0, 0, 0, 0, 2, '_', 0, 0, 0, 0, 0, 0, 0, 0};
    byte[] tomb = {'k', 0, 0, 0, 0, 0, 0, 0, 3, '_', 0, 0, 0, 0, 0, 0, 0, 1, 't'};
    List<byte[]> keys = new ArrayList<>();
    f.backend.scan(BackendLayout.KEY_BUCKET_START, BackendLayout.KEY_BUCKET_END, (k, v) -> keys.add(k));
    assertEquals(3, keys.size());
    assertArrayEquals(put, keys.get(0));
    assertArrayEquals(tomb, keys.get(2));
    assertEquals(kv("foo", "bar", 2, 2, 1), parse(f.backend.get(put)));
    assertEquals(KeyValue.newBuilder().setKey(b("foo")).build(), parse(f.backend.get(tomb)));
    assertArrayEquals(BackendLayout.encodeLong(3), f.backend.get(BackendLayout.META_CURRENT_REVISION));
  }

  private static KeyValue parse(byte[] bytes) {
    try {
      return KeyValue.parseFrom(bytes);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> rangeAll(StoreFixture f, long rev) {
    var resp = f.store.range(io.akkaetcd.api.RangeRequest.newBuilder()
        .setKey(StoreFixture.ZERO).setRangeEnd(StoreFixture.ZERO).setRevision(rev).build());
    return resp.getKvsList().stream().map(KeyValue::toString).toList();
  }
}
