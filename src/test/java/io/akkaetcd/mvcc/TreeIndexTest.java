package io.akkaetcd.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The key index's leaves and packed keys against a model: a TreeMap of one {@link KeyIndex} per key,
 * which is what the index held before it packed keys into leaves. Every answer must be the same.
 */
class TreeIndexTest {

  /** The model: one KeyIndex object per key, keys leaving once compaction empties them. */
  static final class Model {
    final TreeMap<ByteString, KeyIndex> keys = new TreeMap<>(TreeIndex.KEY_ORDER);

    void put(ByteString key, long main, long sub) {
      keys.computeIfAbsent(key, k -> new KeyIndex()).put(main, sub);
    }

    void tombstone(ByteString key, long main, long sub) {
      keys.get(key).tombstone(main, sub);
    }

    void compact(long atRev, List<String> removed) {
      Iterator<Map.Entry<ByteString, KeyIndex>> it = keys.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<ByteString, KeyIndex> e = it.next();
        KeyIndex ki = e.getValue();
        ki.compact(atRev, (main, sub, t) -> removed.add(e.getKey().toStringUtf8() + "@" + main + "." + sub + (t ? "t" : "")));
        if (ki.isEmpty()) {
          it.remove();
        }
      }
    }

    Set<Revision> keep(long atRev) {
      Set<Revision> kept = new HashSet<>();
      for (KeyIndex ki : keys.values()) {
        Revision r = ki.keep(atRev);
        if (r != null) {
          kept.add(r);
        }
      }
      return kept;
    }

    List<TreeIndex.KeyRevision> revisions(ByteString key, ByteString end, long atRev) {
      List<TreeIndex.KeyRevision> out = new ArrayList<>();
      for (Map.Entry<ByteString, KeyIndex> e : keys.entrySet()) {
        boolean in = TreeIndex.KEY_ORDER.compare(e.getKey(), key) >= 0
            && (end.isEmpty() || TreeIndex.KEY_ORDER.compare(e.getKey(), end) < 0);
        KeyIndex.Found f = in ? e.getValue().get(atRev) : null;
        if (f != null) {
          out.add(new TreeIndex.KeyRevision(e.getKey(), f));
        }
      }
      return out;
    }
  }

  /** Keys of one or two bytes from a small alphabet that includes 0x00 and 0xff (unsigned order). */
  static ByteString randomKey(SplittableRandom r) {
    byte[] alphabet = {0x00, 0x01, 0x30, 0x41, 0x7f, (byte) 0x80, (byte) 0xc3, (byte) 0xfe, (byte) 0xff};
    int a = r.nextInt(40);
    byte[] k = r.nextInt(10) == 0 ? new byte[] {alphabet[a % alphabet.length]}
        : new byte[] {alphabet[a % alphabet.length], (byte) (a * 7), (byte) r.nextInt(30)};
    return ByteString.copyFrom(k);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void answersAsOneKeyIndexPerKey(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    TreeIndex index = new TreeIndex();
    Model model = new Model();
    long rev = 1;
    long compacted = 0;
    for (int step = 0; step < 6_000; step++) {
      rev++;
      int ops = r.nextInt(8) == 0 ? 1 + r.nextInt(3) : 1; // a txn writes several keys in one revision
      List<ByteString> touched = new ArrayList<>();
      for (int sub = 0; sub < ops; sub++) {
        ByteString key = randomKey(r);
        if (touched.contains(key)) {
          continue;
        }
        touched.add(key);
        KeyIndex ki = model.keys.get(key);
        if (ki != null && ki.isLive() && r.nextInt(4) == 0) {
          index.tombstone(key, rev, sub);
          model.tombstone(key, rev, sub);
        } else {
          index.put(key, rev, sub);
          model.put(key, rev, sub);
        }
      }
      if (r.nextInt(500) == 0) {
        compacted = compacted + 1 + r.nextLong(rev - compacted);
        List<String> fromIndex = new ArrayList<>();
        List<String> fromModel = new ArrayList<>();
        assertEquals(model.keep(compacted), index.keep(compacted));
        index.compact(compacted,
            (key, main, sub, t) -> fromIndex.add(key.toStringUtf8() + "@" + main + "." + sub + (t ? "t" : "")));
        model.compact(compacted, fromModel);
        assertEquals(fromModel.stream().sorted().toList(), fromIndex.stream().sorted().toList());
      }
      if (step % 50 == 0) {
        assertSameAnswers(index, model, r, compacted, rev);
      }
    }
    index.compact(rev, (key, main, sub, t) -> {});
    model.compact(rev, new ArrayList<>());
    assertSameAnswers(index, model, r, rev, rev);
  }

  private static void assertSameAnswers(TreeIndex index, Model model, SplittableRandom r, long compacted, long rev) {
    assertEquals(model.keys.size(), index.size());
    for (Map.Entry<ByteString, KeyIndex> e : model.keys.entrySet()) {
      assertEquals(e.getValue().generations(), index.generations(e.getKey()), () -> "generations of " + e.getKey());
      assertEquals(e.getValue().isLive(), index.isLive(e.getKey()));
    }
    for (int q = 0; q < 20; q++) {
      long at = compacted + r.nextLong(rev - compacted + 1);
      ByteString key = randomKey(r);
      ByteString end = r.nextInt(5) == 0 ? ByteString.EMPTY : randomKey(r);
      KeyIndex ki = model.keys.get(key);
      assertEquals(ki == null ? null : ki.get(at), index.get(key, at));
      List<TreeIndex.KeyRevision> expected = model.revisions(key, end, at);
      assertEquals(expected, index.revisions(key, end, at, 0).found(), () -> "range " + key + " " + end + " @" + at);
      assertEquals(expected.size(), index.revisions(key, end, at, 3).total());
      assertEquals(expected.subList(0, Math.min(3, expected.size())), index.revisions(key, end, at, 3).found());
      assertEquals(expected.size(), index.count(key, end, at));
    }
  }

  static ByteString key(int n) {
    return ByteString.copyFrom(new byte[] {(byte) (n >> 16), (byte) (n >> 8), (byte) n});
  }

  @Test
  void keysPutInOrderFillWholeLeaves() {
    TreeIndex index = new TreeIndex();
    for (int n = 0; n < 1_000; n++) {
      index.put(key(n), n + 2, 0);
    }
    assertEquals(1_000, index.size());
    assertEquals(8, index.leafCount()); // ceil(1000 / 128)
    assertEquals(1_000, index.count(key(0), ByteString.EMPTY, 1_001));
    assertEquals(500, index.count(key(250), key(750), 1_001));
  }

  @Test
  void compactionRefillsLeavesThatDeletionsEmptied() {
    TreeIndex index = new TreeIndex();
    long rev = 2;
    for (int n = 0; n < 1_000; n++) {
      index.put(key((n * 37) % 1_000), rev++, 0); // out of order: leaves split in halves
    }
    int before = index.leafCount();
    for (int n = 0; n < 1_000; n++) {
      if (n % 10 != 0) {
        index.tombstone(key(n), rev++, 0);
      }
    }
    index.compact(rev, (key, main, sub, t) -> {});
    assertEquals(100, index.size());
    assertEquals(1, index.leafCount(), "from " + before + " leaves");
    assertEquals(100, index.count(key(0), ByteString.EMPTY, rev));
    assertNull(index.get(key(1), rev));
    assertEquals(new KeyIndex.Found(index.get(key(10), rev).main(), 0, index.get(key(10), rev).main(), 1),
        index.get(key(10), rev));
  }

  /**
   * Numbers too large to pack (sub or version >= 2^16, revisions >= 2^47) keep the full form and answer
   * alike.
   */
  @Test
  void numbersTooLargeToPackStayExact() {
    TreeIndex index = new TreeIndex();
    long big = 1L << 50;
    index.put(key(1), big, 0);
    index.put(key(2), 5, 70_000);
    index.restorePut(key(3), 9, 0, 3, 70_000);
    index.restorePut(key(4), 9, 1, 3, 7);
    assertEquals(new KeyIndex.Found(big, 0, big, 1), index.get(key(1), big));
    assertNull(index.get(key(1), big - 1));
    assertEquals(new KeyIndex.Found(5, 70_000, 5, 1), index.get(key(2), 5));
    assertEquals(new KeyIndex.Found(9, 0, 3, 70_000), index.get(key(3), 10));
    assertEquals(new KeyIndex.Found(9, 1, 3, 7), index.get(key(4), 10));
    index.put(key(4), 11, 0);
    assertEquals(new KeyIndex.Found(11, 0, 3, 8), index.get(key(4), 11));
    assertEquals(new KeyIndex.Found(9, 1, 3, 7), index.get(key(4), 10));
    index.compact(11, (key, main, sub, t) -> {});
    assertEquals(List.of(List.of(new Revision(11, 0))), index.generations(key(4)));
    assertEquals(new KeyIndex.Found(11, 0, 3, 8), index.get(key(4), 12));
  }

  @Test
  void tombstoneNeedsALiveKey() {
    TreeIndex index = new TreeIndex();
    assertThrows(IllegalStateException.class, () -> index.tombstone(key(1), 2, 0));
    index.put(key(1), 2, 0);
    index.tombstone(key(1), 3, 0);
    assertFalse(index.isLive(key(1)));
    assertThrows(IllegalStateException.class, () -> index.tombstone(key(1), 4, 0));
    index.put(key(1), 4, 0);
    assertTrue(index.isLive(key(1)));
    assertEquals(new KeyIndex.Found(4, 0, 4, 1), index.get(key(1), 4));
  }
}
