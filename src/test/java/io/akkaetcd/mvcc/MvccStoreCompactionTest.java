package io.akkaetcd.mvcc;

import static io.akkaetcd.mvcc.StoreFixture.assertError;
import static io.akkaetcd.mvcc.StoreFixture.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.akkaetcd.api.CompactionRequest;
import io.akkaetcd.api.CompactionResponse;
import io.akkaetcd.errors.EtcdError;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Compaction of the index and the backend, and the reads it forbids. */
class MvccStoreCompactionTest {

  /**
   * <pre>
   *   rev 2 put a=1 | 3 put a=2 | 4 put b=1 | 5 del a | 6 put c=1 | 7 put a=3 | 8 del b
   *   a: {2.0, 3.0, 5.0(t)} {7.0}
   *   b: {4.0, 8.0(t)} {empty}
   *   c: {6.0}
   * </pre>
   */
  static StoreFixture history() {
    StoreFixture f = new StoreFixture();
    f.put("a", "1");
    f.put("a", "2");
    f.put("b", "1");
    f.delete("a");
    f.put("c", "1");
    f.put("a", "3");
    f.delete("b");
    return f;
  }

  static Revision r(long main) {
    return new Revision(main, 0);
  }

  record CompactCase(long rev, List<List<Revision>> a, List<List<Revision>> b, List<String> backendRevisions,
      List<String> liveAtRev) {}

  static Stream<CompactCase> cases() {
    List<List<Revision>> c6 = List.of(List.of(r(6)));
    return Stream.of(
        new CompactCase(2, List.of(List.of(r(2), r(3), r(5)), List.of(r(7))), List.of(List.of(r(4), r(8)), List.of()),
            List.of("2.0", "3.0", "4.0", "5.0t", "6.0", "7.0", "8.0t"), List.of("a=1")),
        new CompactCase(3, List.of(List.of(r(3), r(5)), List.of(r(7))), List.of(List.of(r(4), r(8)), List.of()),
            List.of("3.0", "4.0", "5.0t", "6.0", "7.0", "8.0t"), List.of("a=2")),
        new CompactCase(4, List.of(List.of(r(3), r(5)), List.of(r(7))), List.of(List.of(r(4), r(8)), List.of()),
            List.of("3.0", "4.0", "5.0t", "6.0", "7.0", "8.0t"), List.of("a=2", "b=1")),
        // a's newest revision <= 5 is its tombstone: that generation goes
        new CompactCase(5, List.of(List.of(r(7))), List.of(List.of(r(4), r(8)), List.of()),
            List.of("4.0", "6.0", "7.0", "8.0t"), List.of("b=1")),
        new CompactCase(7, List.of(List.of(r(7))), List.of(List.of(r(4), r(8)), List.of()),
            List.of("4.0", "6.0", "7.0", "8.0t"), List.of("a=3", "b=1", "c=1")),
        // b is deleted at 8: it leaves the index and the backend entirely
        new CompactCase(8, List.of(List.of(r(7))), null, List.of("6.0", "7.0"), List.of("a=3", "c=1")));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void compactIndexAndBackend(CompactCase c) {
    StoreFixture f = history();
    f.store.commit(false);
    List<String> before = backendRevisions(f.backend);
    CompactionResponse resp = f.store.compact(CompactionRequest.newBuilder().setRevision(c.rev()).build());
    assertEquals(8, resp.getHeader().getRevision());
    assertEquals(8, f.store.currentRevision(), "compaction takes no revision");
    assertEquals(c.rev(), f.store.compactRevision());
    assertEquals(before, backendRevisions(f.backend), "backend deletes wait for commit");
    f.store.commit(true);

    assertEquals(c.a(), f.store.generations(b("a")));
    assertEquals(c.b(), f.store.generations(b("b")));
    assertEquals(List.of(List.of(r(6))), f.store.generations(b("c")));
    assertEquals(c.backendRevisions(), backendRevisions(f.backend));
    assertEquals(c.liveAtRev(), f.all(c.rev()), "the compact revision itself stays readable");
    assertEquals(List.of("a=3", "c=1"), f.all(0));
    assertError(EtcdError.COMPACTED, () -> f.all(c.rev() - 1));
  }

  @Test
  void compactRevisionBounds() {
    StoreFixture f = history();
    assertError(EtcdError.FUTURE_REV, () -> f.store.compact(CompactionRequest.newBuilder().setRevision(9).build()));
    f.store.compact(CompactionRequest.newBuilder().setRevision(4).build());
    assertError(EtcdError.COMPACTED, () -> f.store.compact(CompactionRequest.newBuilder().setRevision(4).build()));
    assertError(EtcdError.COMPACTED, () -> f.store.compact(CompactionRequest.newBuilder().setRevision(3).build()));
    f.store.compact(CompactionRequest.newBuilder().setRevision(8).build()); // the current revision is allowed
    assertEquals(8, f.store.compactRevision());
  }

  @Test
  void compactionOfWritesNotYetCommitted() {
    StoreFixture f = history();
    f.store.compact(CompactionRequest.newBuilder().setRevision(8).build());
    f.store.commit(false);
    assertEquals(List.of("6.0", "7.0"), backendRevisions(f.backend));
    assertEquals(List.of("a=3", "c=1"), f.all(0));
  }

  @Test
  void compactThenWriteMore() {
    StoreFixture f = history();
    f.store.compact(CompactionRequest.newBuilder().setRevision(8).build());
    assertEquals(9, f.put("b", "2"));
    assertEquals(StoreFixture.kv("b", "2", 9, 9, 1), f.get("b"));
    assertEquals(10, f.put("a", "4"));
    assertEquals(StoreFixture.kv("a", "4", 7, 10, 2), f.get("a"), "create revision and version survive compaction");
    assertNull(f.get("b", 8));
  }

  /** The key-bucket entries of the backend as "main.sub" (with "t" for a tombstone), in order. */
  static List<String> backendRevisions(InMemoryBackend backend) {
    List<String> out = new ArrayList<>();
    backend.scan(BackendLayout.KEY_BUCKET_START, BackendLayout.KEY_BUCKET_END, (k, v) -> {
      Revision rev = BackendLayout.revisionOf(k);
      out.add(rev + (BackendLayout.isTombstone(k) ? "t" : ""));
    });
    return out;
  }
}
