package io.akkaetcd.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Generations, reads at a revision and compaction of one key, after etcd's key_index_test.go. */
class KeyIndexTest {

  /**
   * The index etcd's tests use:
   *
   * <pre>
   *   {2.0[v1], 4.0[v2], 6.0(t)}
   *   {8.0[v1], 10.0[v2], 12.0(t)}
   *   {14.0[v1], 14.1[v2], 16.0(t)}
   *   {empty}
   * </pre>
   */
  static KeyIndex example() {
    KeyIndex ki = new KeyIndex();
    ki.put(2, 0);
    ki.put(4, 0);
    ki.tombstone(6, 0);
    ki.put(8, 0);
    ki.put(10, 0);
    ki.tombstone(12, 0);
    ki.put(14, 0);
    ki.put(14, 1);
    ki.tombstone(16, 0);
    return ki;
  }

  static Revision r(long main, long sub) {
    return new Revision(main, sub);
  }

  record GetCase(long atRev, KeyIndex.Found expected) {}

  static Stream<GetCase> getCases() {
    return Stream.of(
        new GetCase(0, null),
        new GetCase(1, null),
        new GetCase(2, new KeyIndex.Found(2, 0, 2, 1)),
        new GetCase(3, new KeyIndex.Found(2, 0, 2, 1)),
        new GetCase(4, new KeyIndex.Found(4, 0, 2, 2)),
        new GetCase(5, new KeyIndex.Found(4, 0, 2, 2)),
        new GetCase(6, null), // deleted at 6
        new GetCase(7, null),
        new GetCase(8, new KeyIndex.Found(8, 0, 8, 1)),
        new GetCase(9, new KeyIndex.Found(8, 0, 8, 1)),
        new GetCase(10, new KeyIndex.Found(10, 0, 8, 2)),
        new GetCase(11, new KeyIndex.Found(10, 0, 8, 2)),
        new GetCase(12, null),
        new GetCase(13, null),
        new GetCase(14, new KeyIndex.Found(14, 1, 14, 2)), // the newest sub of main 14
        new GetCase(15, new KeyIndex.Found(14, 1, 14, 2)),
        new GetCase(16, null),
        new GetCase(17, null));
  }

  @ParameterizedTest
  @MethodSource("getCases")
  void getAtRevision(GetCase c) {
    assertEquals(c.expected(), example().get(c.atRev()));
  }

  @Test
  void generationsOfExample() {
    assertEquals(
        List.of(
            List.of(r(2, 0), r(4, 0), r(6, 0)),
            List.of(r(8, 0), r(10, 0), r(12, 0)),
            List.of(r(14, 0), r(14, 1), r(16, 0)),
            List.of()),
        example().generations());
    assertFalse(example().isLive());
  }

  /** Removed revisions are written "main.sub" with a trailing "t" for tombstones. */
  record CompactCase(long atRev, List<List<Revision>> generations, List<String> removed) {}

  static Stream<CompactCase> compactCases() {
    List<Revision> g1 = List.of(r(8, 0), r(10, 0), r(12, 0));
    List<Revision> g2 = List.of(r(14, 0), r(14, 1), r(16, 0));
    List<String> firstGen = List.of("2.0", "4.0", "6.0t");
    List<String> secondGen = List.of("8.0", "10.0", "12.0t");
    return Stream.of(
        new CompactCase(1, List.of(List.of(r(2, 0), r(4, 0), r(6, 0)), g1, g2, List.of()), List.of()),
        new CompactCase(2, List.of(List.of(r(2, 0), r(4, 0), r(6, 0)), g1, g2, List.of()), List.of()),
        new CompactCase(3, List.of(List.of(r(2, 0), r(4, 0), r(6, 0)), g1, g2, List.of()), List.of()),
        new CompactCase(4, List.of(List.of(r(4, 0), r(6, 0)), g1, g2, List.of()), List.of("2.0")),
        new CompactCase(5, List.of(List.of(r(4, 0), r(6, 0)), g1, g2, List.of()), List.of("2.0")),
        // the newest revision <= 6 is a tombstone: its whole generation goes
        new CompactCase(6, List.of(g1, g2, List.of()), firstGen),
        new CompactCase(7, List.of(g1, g2, List.of()), firstGen),
        new CompactCase(8, List.of(g1, g2, List.of()), firstGen),
        new CompactCase(10, List.of(List.of(r(10, 0), r(12, 0)), g2, List.of()), concat(firstGen, List.of("8.0"))),
        new CompactCase(12, List.of(g2, List.of()), concat(firstGen, secondGen)),
        new CompactCase(14, List.of(List.of(r(14, 1), r(16, 0)), List.of()),
            concat(firstGen, secondGen, List.of("14.0"))),
        new CompactCase(16, List.of(List.of()), concat(firstGen, secondGen, List.of("14.0", "14.1", "16.0t"))),
        new CompactCase(17, List.of(List.of()), concat(firstGen, secondGen, List.of("14.0", "14.1", "16.0t"))));
  }

  @ParameterizedTest
  @MethodSource("compactCases")
  void compact(CompactCase c) {
    KeyIndex ki = example();
    List<String> removed = new ArrayList<>();
    ki.compact(c.atRev(), (main, sub, tomb) -> removed.add(main + "." + sub + (tomb ? "t" : "")));
    assertEquals(c.generations(), ki.generations());
    assertEquals(c.removed(), removed);
    assertEquals(c.generations().size() == 1, ki.isEmpty());
  }

  @Test
  void compactingStepByStepMatchesCompactingAtOnce() {
    KeyIndex stepwise = example();
    for (long rev = 1; rev <= 14; rev++) {
      stepwise.compact(rev, (main, sub, tomb) -> {});
    }
    KeyIndex once = example();
    once.compact(14, (main, sub, tomb) -> {});
    assertEquals(once.generations(), stepwise.generations());
    // reads at or above the compaction point are unchanged
    assertEquals(new KeyIndex.Found(14, 1, 14, 2), stepwise.get(15));
    assertNull(stepwise.get(16));
  }

  @Test
  void compactKeepsVersionAndCreateRevisionOfKeptRevision() {
    KeyIndex ki = new KeyIndex();
    ki.put(2, 0);
    ki.put(3, 0);
    ki.put(5, 0);
    ki.compact(4, (main, sub, tomb) -> {});
    assertEquals(List.of(List.of(r(3, 0), r(5, 0))), ki.generations());
    assertEquals(new KeyIndex.Found(3, 0, 2, 2), ki.get(4));
    assertEquals(new KeyIndex.Found(5, 0, 2, 3), ki.get(5));
    ki.put(6, 0);
    assertEquals(new KeyIndex.Found(6, 0, 2, 4), ki.get(6));
    assertTrue(ki.isLive());
  }

  @Test
  void putAfterTombstoneStartsANewGenerationAtVersionOne() {
    KeyIndex ki = new KeyIndex();
    ki.put(2, 0);
    ki.tombstone(3, 0);
    ki.put(3, 1); // deleted and recreated inside one txn
    assertEquals(List.of(List.of(r(2, 0), r(3, 0)), List.of(r(3, 1))), ki.generations());
    assertEquals(new KeyIndex.Found(3, 1, 3, 1), ki.get(3));
  }

  @Test
  void rejectsRevisionsOutOfOrderAndTombstoneOfDeadKey() {
    KeyIndex ki = new KeyIndex();
    ki.put(5, 1);
    assertThrows(IllegalStateException.class, () -> ki.put(5, 1));
    assertThrows(IllegalStateException.class, () -> ki.put(4, 9));
    ki.tombstone(6, 0);
    assertThrows(IllegalStateException.class, () -> ki.tombstone(7, 0));
  }

  @SafeVarargs
  static List<String> concat(List<String>... parts) {
    List<String> out = new ArrayList<>();
    for (List<String> p : parts) {
      out.addAll(p);
    }
    return out;
  }
}
