package io.akkaetcd.mvcc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Every key's revisions, ordered by unsigned bytes (etcd's treeIndex). Ranges follow etcd's
 * conventions after {@code mkGteRange}: {@code end == null} is the single key, an empty {@code end}
 * means "to the end of the keyspace", otherwise [key, end).
 *
 * <p>Memory is the point of the layout: a member keeps every key here, so the per-key cost bounds the
 * store's size. Keys live in sorted {@link IndexLeaf leaves} of up to 128 (a two-level B+tree: a
 * sorted array of leaves over sorted arrays of keys), each key as a byte[] and, while it holds one
 * live revision, two packed longs. A million 8-byte keys put once take ~70 bytes each here, where a
 * TreeMap of ByteString to per-key objects took ~216.
 *
 * <p>Invariants: no leaf is empty; every key of leaf {@code n} sorts before the first key of leaf
 * {@code n + 1}. Leaf 0 takes every key below leaf 1's first. A full leaf splits in halves, except when
 * a key arrives past the last key of all (keys put in order), which starts a new leaf and leaves the
 * full one full. Compaction merges neighbours that fit in one leaf.
 */
final class TreeIndex {
  static final Comparator<ByteString> KEY_ORDER = ByteString.unsignedLexicographicalComparator();

  /** A key and the revision of it visible at the revision asked for. */
  record KeyRevision(ByteString key, KeyIndex.Found found) {}

  /** The revisions found by {@link #revisions}: at most {@code limit} of them, and how many there were. */
  record Revisions(List<KeyRevision> found, int total) {}

  private IndexLeaf[] leaves = new IndexLeaf[16];
  /**
   * The first 8 bytes of each leaf's first key, big-endian, zero-padded: the search over leaves compares
   * these longs, one array in cache, and reads a leaf's key only when they are equal (restoring a million
   * keys in revision order, that is at random in key order, spent most of its time on cache misses here).
   */
  private long[] firstPrefix = new long[16];
  private int leafCount;
  private int keyCount;

  void put(ByteString key, long main, long sub) {
    byte[] k = key.toByteArray();
    int li = leafOf(k);
    int i = li < 0 ? -1 : leaves[li].search(k);
    if (i >= 0) {
      leaves[li].unpack(i).put(main, sub);
    } else {
      insert(li, -i - 1, k, main, sub, main, 1);
    }
  }

  /** Restore's put: one lookup for the put and for what the caller counts; true if the key was live before. */
  boolean restorePut(ByteString key, long main, long sub, long createRevision, long version) {
    byte[] k = key.toByteArray();
    int li = leafOf(k);
    int i = li < 0 ? -1 : leaves[li].search(k);
    if (i >= 0) {
      boolean wasLive = leaves[li].isLive(i);
      leaves[li].unpack(i).restorePut(main, sub, createRevision, version);
      return wasLive;
    }
    insert(li, -i - 1, k, main, sub, createRevision, version);
    return false;
  }

  /** Restore's tombstone: closes the key's generation if it is live; false (nothing done) if it is not. */
  boolean tombstoneIfLive(ByteString key, long main, long sub) {
    byte[] k = key.toByteArray();
    IndexLeaf leaf = leafHolding(k);
    int i = leaf == null ? -1 : leaf.search(k);
    if (i < 0 || !leaf.isLive(i)) {
      return false;
    }
    leaf.unpack(i).tombstone(main, sub);
    return true;
  }

  void tombstone(ByteString key, long main, long sub) {
    byte[] k = key.toByteArray();
    IndexLeaf leaf = leafHolding(k);
    int i = leaf == null ? -1 : leaf.search(k);
    if (i < 0) {
      throw new IllegalStateException("tombstone on unknown key");
    }
    leaf.unpack(i).tombstone(main, sub);
  }

  /** The key's revision visible at {@code atRev}, or null. */
  KeyIndex.Found get(ByteString key, long atRev) {
    byte[] k = key.toByteArray();
    IndexLeaf leaf = leafHolding(k);
    int i = leaf == null ? -1 : leaf.search(k);
    return i < 0 ? null : leaf.get(i, atRev);
  }

  /** True if the key exists at the newest revision. */
  boolean isLive(ByteString key) {
    byte[] k = key.toByteArray();
    IndexLeaf leaf = leafHolding(k);
    int i = leaf == null ? -1 : leaf.search(k);
    return i >= 0 && leaf.isLive(i);
  }

  /**
   * The keys of the range that exist at {@code atRev}, in key order: the first {@code limit} of them
   * (all if {@code limit <= 0}), and the count of all of them (etcd's treeIndex.Revisions).
   */
  Revisions revisions(ByteString key, ByteString end, long atRev, long limit) {
    if (end == null) { // the common single-key read: no walk
      KeyIndex.Found f = get(key, atRev);
      return f == null ? new Revisions(List.of(), 0) : new Revisions(List.of(new KeyRevision(key, f)), 1);
    }
    List<KeyRevision> found = new ArrayList<>();
    int[] total = {0};
    forEachIn(key, end, (leaf, i) -> {
      KeyIndex.Found f = leaf.get(i, atRev);
      if (f == null) {
        return;
      }
      if (limit <= 0 || found.size() < limit) {
        // The index never changes a stored key array, so the ByteString may share it.
        found.add(new KeyRevision(UnsafeByteOperations.unsafeWrap(leaf.key(i)), f));
      }
      total[0]++;
    });
    return new Revisions(found, total[0]);
  }

  /** How many keys of the range exist at {@code atRev} (etcd's CountRevisions). */
  int count(ByteString key, ByteString end, long atRev) {
    if (end == null) {
      return get(key, atRev) == null ? 0 : 1;
    }
    int[] total = {0};
    forEachIn(key, end, (leaf, i) -> {
      if (leaf.get(i, atRev) != null) {
        total[0]++;
      }
    });
    return total[0];
  }

  /** Compacts every key at {@code atRev}; keys left with nothing leave the index. */
  void compact(long atRev, CompactedRevisions removed) {
    int kept = 0;
    keyCount = 0;
    for (int li = 0; li < leafCount; li++) {
      IndexLeaf leaf = leaves[li];
      leaf.compact(atRev, removed);
      keyCount += leaf.size();
      if (leaf.size() == 0) {
        continue;
      }
      if (kept > 0 && leaves[kept - 1].size() + leaf.size() <= IndexLeaf.CAPACITY) {
        leaves[kept - 1].absorb(leaf); // deletions leave leaves sparse: refill them
      } else {
        leaves[kept++] = leaf;
      }
    }
    Arrays.fill(leaves, kept, leafCount, null);
    leafCount = kept;
    for (int li = 0; li < leafCount; li++) {
      refreshFirst(li);
    }
  }

  /** The revisions a compaction at {@code atRev} would keep, over all keys (etcd's treeIndex.Keep). */
  Set<Revision> keep(long atRev) {
    Set<Revision> kept = new HashSet<>();
    for (int li = 0; li < leafCount; li++) {
      IndexLeaf leaf = leaves[li];
      for (int i = 0; i < leaf.size(); i++) {
        Revision r = leaf.keep(i, atRev);
        if (r != null) {
          kept.add(r);
        }
      }
    }
    return kept;
  }

  interface CompactedRevisions {
    void removed(ByteString key, long main, long sub, boolean tombstone);
  }

  /** The generations of {@code key}, oldest first, or null if the index does not hold it. */
  List<List<Revision>> generations(ByteString key) {
    byte[] k = key.toByteArray();
    IndexLeaf leaf = leafHolding(k);
    int i = leaf == null ? -1 : leaf.search(k);
    return i < 0 ? null : leaf.generations(i);
  }

  /** Number of keys the index holds, live or not. */
  int size() {
    return keyCount;
  }

  /** Number of leaves, for tests. */
  int leafCount() {
    return leafCount;
  }

  private interface EntryVisitor {
    void visit(IndexLeaf leaf, int i);
  }

  /** Visits, in key order, the keys of [key, end), or from key on when {@code end} is empty. */
  private void forEachIn(ByteString key, ByteString end, EntryVisitor visitor) {
    if (!end.isEmpty() && KEY_ORDER.compare(key, end) >= 0 || leafCount == 0) {
      return;
    }
    byte[] from = key.toByteArray();
    byte[] to = end.isEmpty() ? null : end.toByteArray();
    int li = leafOf(from);
    int i = leaves[li].search(from);
    for (i = i < 0 ? -i - 1 : i; li < leafCount; li++, i = 0) {
      IndexLeaf leaf = leaves[li];
      for (; i < leaf.size(); i++) {
        if (to != null && Arrays.compareUnsigned(leaf.key(i), to) >= 0) {
          return;
        }
        visitor.visit(leaf, i);
      }
    }
  }

  /** The leaf that holds {@code key} if the index holds it, or null when the index is empty. */
  private IndexLeaf leafHolding(byte[] key) {
    int li = leafOf(key);
    return li < 0 ? null : leaves[li];
  }

  /** The number of the leaf that holds or would take {@code key}; -1 when there is none. */
  private int leafOf(byte[] key) {
    if (leafCount == 0) {
      return -1;
    }
    long p = prefix(key);
    // keys put in order (appends, a restore of keys written in order) land in the last leaf: one compare
    int last = leafCount - 1;
    if (last > 0 && firstAtOrBelow(last, p, key)) {
      return last;
    }
    int found = 0;
    int lo = 1;
    int hi = last - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (firstAtOrBelow(mid, p, key)) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Leaf {@code li}'s first key is at or below {@code key} (whose prefix is {@code p}). */
  private boolean firstAtOrBelow(int li, long p, byte[] key) {
    int c = Long.compareUnsigned(firstPrefix[li], p);
    return c < 0 || c == 0 && Arrays.compareUnsigned(leaves[li].key(0), key) <= 0;
  }

  /** The first 8 bytes of {@code key}, big-endian, zero-padded: ordered as the keys are, or equal. */
  private static long prefix(byte[] key) {
    long p = 0;
    int n = Math.min(8, key.length);
    for (int i = 0; i < n; i++) {
      p |= (key[i] & 0xffL) << (56 - 8 * i);
    }
    return p;
  }

  private void refreshFirst(int li) {
    firstPrefix[li] = prefix(leaves[li].key(0));
  }

  /** Inserts a key the index does not hold at position {@code i} of leaf {@code li} (-1: no leaf yet). */
  private void insert(int li, int i, byte[] key, long main, long sub, long createRevision, long version) {
    if (li < 0) {
      addLeaf(0, new IndexLeaf());
      li = 0;
    }
    IndexLeaf leaf = leaves[li];
    if (leaf.size() == IndexLeaf.CAPACITY) {
      boolean pastTheLastKey = li == leafCount - 1 && i == leaf.size();
      int from = pastTheLastKey ? leaf.size() : IndexLeaf.CAPACITY / 2;
      IndexLeaf right = leaf.splitOff(from);
      addLeaf(li + 1, right);
      if (i >= from) {
        leaf = right;
        li++;
        i -= from;
      }
    }
    leaf.insert(i, key, main, sub, createRevision, version);
    keyCount++;
    if (i == 0) {
      refreshFirst(li);
    }
  }

  private void addLeaf(int at, IndexLeaf leaf) {
    if (leafCount == leaves.length) {
      leaves = Arrays.copyOf(leaves, leaves.length * 2);
      firstPrefix = Arrays.copyOf(firstPrefix, leaves.length);
    }
    System.arraycopy(leaves, at, leaves, at + 1, leafCount - at);
    System.arraycopy(firstPrefix, at, firstPrefix, at + 1, leafCount - at);
    leaves[at] = leaf;
    leafCount++;
    if (leaf.size() > 0) {
      refreshFirst(at);
    }
  }
}
