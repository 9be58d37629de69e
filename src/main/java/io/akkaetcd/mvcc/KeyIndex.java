package io.akkaetcd.mvcc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The revisions of one key, in generations, as etcd's {@code keyIndex}. A generation runs from the
 * put that creates the key to the tombstone that deletes it; a tombstone closes the current generation
 * and opens an empty one. The last generation is the current one: the key is live iff it is not empty.
 *
 * <p>Example (as in etcd's key_index.go): put(1.0); put(2.0); tombstone(3.0); put(4.0); tombstone(5.0)
 *
 * <pre>
 *   generations (oldest first):
 *     {1.0, 2.0, 3.0(t)}
 *     {4.0, 5.0(t)}
 *     {empty}
 *   compact(2): {2.0, 3.0(t)} {4.0, 5.0(t)} {empty}   keep the newest revision <= 2
 *   compact(4): {4.0, 5.0(t)} {empty}                 a generation whose tombstone <= 4 goes whole
 *   compact(5): {empty}                               nothing left: the key leaves the index
 * </pre>
 *
 * Revisions are held as one interleaved long array per generation (main, sub, main, sub...) to keep
 * the per-key footprint small; values are never held here, only in the backend.
 */
final class KeyIndex {

  /** Receives each revision that compaction drops, so its backend entry can be deleted too. */
  interface RemovedRevisions {
    void removed(long main, long sub, boolean tombstone);
  }

  /** A live revision of the key: where its value is, with the generation's create revision and its version. */
  record Found(long main, long sub, long createRevision, long version) {}

  static final class Generation {
    long createRevision;
    /** Version of the newest revision in this generation (a tombstone counts, as in etcd). */
    long version;
    long[] revs = new long[2];
    int size;

    long main(int i) {
      return revs[2 * i];
    }

    long sub(int i) {
      return revs[2 * i + 1];
    }

    boolean isEmpty() {
      return size == 0;
    }

    void append(long main, long sub) {
      if (2 * size == revs.length) {
        revs = Arrays.copyOf(revs, revs.length * 2);
      }
      revs[2 * size] = main;
      revs[2 * size + 1] = sub;
      size++;
    }

    /** Index of the newest revision with main <= atRev, or -1. */
    int newestAtOrBelow(long atRev) {
      for (int i = size - 1; i >= 0; i--) {
        if (main(i) <= atRev) {
          return i;
        }
      }
      return -1;
    }

    void dropBefore(int index) {
      revs = Arrays.copyOfRange(revs, 2 * index, Math.max(2 * size, 2 * index + 2));
      size -= index;
    }

    List<Revision> revisions() {
      List<Revision> out = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        out.add(new Revision(main(i), sub(i)));
      }
      return out;
    }
  }

  private Generation[] generations = {new Generation()};
  private long modifiedMain = -1;
  private long modifiedSub = -1;

  /** Records a put at {@code main.sub}; opens a new generation if the key was not live. */
  void put(long main, long sub) {
    checkIncreasing(main, sub);
    Generation g = current();
    if (g.isEmpty()) {
      g.createRevision = main;
      g.version = 0;
    }
    g.append(main, sub);
    g.version++;
    modifiedMain = main;
    modifiedSub = sub;
  }

  /**
   * Rebuilds a revision read back from the backend: the stored KeyValue tells the generation's create
   * revision and the version, which compaction may have made impossible to count again.
   */
  void restorePut(long main, long sub, long createRevision, long version) {
    put(main, sub);
    Generation g = current();
    if (g.size == 1) {
      g.createRevision = createRevision;
    }
    g.version = version;
  }

  /** Closes the current generation with a tombstone at {@code main.sub}. The key must be live. */
  void tombstone(long main, long sub) {
    if (!isLive()) {
      throw new IllegalStateException("tombstone on a key that is not live");
    }
    put(main, sub);
    generations = Arrays.copyOf(generations, generations.length + 1);
    generations[generations.length - 1] = new Generation();
  }

  boolean isLive() {
    return !current().isEmpty();
  }

  /**
   * The key's one revision when it is live and holds no other (one generation of one put), else null:
   * the index then keeps the key in its packed form (see {@link IndexLeaf}).
   */
  Found onlyRevision() {
    if (generations.length != 1 || generations[0].size != 1) {
      return null;
    }
    Generation g = generations[0];
    return new Found(g.main(0), g.sub(0), g.createRevision, g.version);
  }

  /** True when compaction has left nothing: the key can leave the index. */
  boolean isEmpty() {
    return generations.length == 1 && generations[0].isEmpty();
  }

  /** The key's revision visible at {@code atRev}, or null if the key did not exist then. */
  Found get(long atRev) {
    Generation g = findGeneration(atRev);
    if (g == null) {
      return null;
    }
    int n = g.newestAtOrBelow(atRev);
    if (n < 0) {
      return null;
    }
    return new Found(g.main(n), g.sub(n), g.createRevision, g.version - (g.size - n - 1));
  }

  /**
   * The generation holding {@code atRev}, or null if the key did not exist then (atRev falls in the
   * gap after a tombstone, or before the first put).
   */
  private Generation findGeneration(long atRev) {
    int last = generations.length - 1;
    for (int i = last; i >= 0; i--) {
      Generation g = generations[i];
      if (g.isEmpty()) {
        continue;
      }
      if (i != last && g.main(g.size - 1) <= atRev) {
        return null; // deleted at or before atRev
      }
      if (g.main(0) <= atRev) {
        return g;
      }
    }
    return null;
  }

  /**
   * Drops every revision at or below {@code atRev} except the newest one of each key, and that one
   * too if it is a tombstone (etcd's keyIndex.compact). Reports each dropped revision.
   */
  void compact(long atRev, RemovedRevisions removed) {
    int keepGen = 0;
    // Generations that were deleted at or before atRev go whole, tombstone included.
    while (keepGen < generations.length - 1) {
      Generation g = generations[keepGen];
      if (g.main(g.size - 1) > atRev) {
        break;
      }
      for (int i = 0; i < g.size; i++) {
        removed.removed(g.main(i), g.sub(i), i == g.size - 1);
      }
      keepGen++;
    }
    Generation g = generations[keepGen];
    int keepFrom = g.newestAtOrBelow(atRev);
    if (keepFrom > 0) {
      // None of these can be the tombstone: a kept generation's tombstone is above atRev.
      for (int i = 0; i < keepFrom; i++) {
        removed.removed(g.main(i), g.sub(i), false);
      }
      g.dropBefore(keepFrom);
    }
    if (keepGen > 0) {
      generations = Arrays.copyOfRange(generations, keepGen, generations.length);
    }
  }

  /**
   * The revision a compaction at {@code atRev} would keep for this key, or null (etcd's keyIndex.keep):
   * the newest revision at or below {@code atRev} in the first generation not deleted by then, unless
   * that revision is a tombstone.
   */
  Revision keep(long atRev) {
    if (isEmpty()) {
      return null;
    }
    int genIdx = 0;
    while (genIdx < generations.length - 1 && generations[genIdx].main(generations[genIdx].size - 1) <= atRev) {
      genIdx++;
    }
    Generation g = generations[genIdx];
    int n = g.newestAtOrBelow(atRev);
    if (n < 0 || (n == g.size - 1 && genIdx != generations.length - 1)) {
      return null;
    }
    return new Revision(g.main(n), g.sub(n));
  }

  /** The generations, oldest first, for tests and debugging. */
  List<List<Revision>> generations() {
    List<List<Revision>> out = new ArrayList<>(generations.length);
    for (Generation g : generations) {
      out.add(g.revisions());
    }
    return out;
  }

  private Generation current() {
    return generations[generations.length - 1];
  }

  private void checkIncreasing(long main, long sub) {
    if (main < modifiedMain || (main == modifiedMain && sub <= modifiedSub)) {
      throw new IllegalStateException(
          "revision " + main + "." + sub + " not after " + modifiedMain + "." + modifiedSub);
    }
  }
}
