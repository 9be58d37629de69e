package io.akkaetcd.mvcc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.util.Arrays;
import java.util.List;

/**
 * A sorted run of at most {@link #CAPACITY} keys of the {@link TreeIndex}, in parallel arrays. A key is
 * held in one of two forms:
 *
 * <ul>
 *   <li>packed: the key is live and holds one revision in all (put once, or compacted down to its
 *       newest put; after a bulk load, nearly every key). Its revision, create revision and version sit
 *       in two longs of this leaf ({@code main << 16 | sub} and {@code createRevision << 16 | version}),
 *       so the key costs its byte[] and 24 bytes of array slots, and no object of its own.
 *   <li>full: any other history (several revisions, a tombstone, numbers too large to pack: a main or
 *       create revision of 2^47 or more, a sub or version of 2^16 or more) is a {@link KeyIndex} in
 *       {@code full[i]}; the packed slots are then unused.
 * </ul>
 *
 * Both forms answer every question alike; a key is unpacked before its history changes and packed again
 * when compaction leaves it one live revision. Key arrays are never changed once stored.
 */
final class IndexLeaf {
  static final int CAPACITY = 128;

  private static final int LOW_BITS = 16;
  private static final long LOW_MASK = (1L << LOW_BITS) - 1;
  private static final long MAX_HIGH = Long.MAX_VALUE >>> LOW_BITS;

  private final byte[][] keys = new byte[CAPACITY][];
  /** Packed form: main << 16 | sub. */
  private final long[] revisions = new long[CAPACITY];
  /** Packed form: createRevision << 16 | version. */
  private final long[] creations = new long[CAPACITY];
  /** Full form, or null for a packed key. */
  private final KeyIndex[] full = new KeyIndex[CAPACITY];
  private int size;

  int size() {
    return size;
  }

  byte[] key(int i) {
    return keys[i];
  }

  /** The index of {@code key}, or {@code -(insertion point) - 1}, as {@link Arrays#binarySearch}. */
  int search(byte[] key) {
    int lo = 0;
    int hi = size - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = Arrays.compareUnsigned(keys[mid], key);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -(lo + 1);
  }

  /** Inserts {@code key} at {@code i} with one live revision; the leaf must not be full. */
  void insert(int i, byte[] key, long main, long sub, long createRevision, long version) {
    int moved = size - i;
    System.arraycopy(keys, i, keys, i + 1, moved);
    System.arraycopy(revisions, i, revisions, i + 1, moved);
    System.arraycopy(creations, i, creations, i + 1, moved);
    System.arraycopy(full, i, full, i + 1, moved);
    keys[i] = key;
    size++;
    setOnly(i, main, sub, createRevision, version);
  }

  /** Key {@code i}'s revision visible at {@code atRev}, or null (as {@link KeyIndex#get}). */
  KeyIndex.Found get(int i, long atRev) {
    KeyIndex ki = full[i];
    if (ki != null) {
      return ki.get(atRev);
    }
    long main = revisions[i] >>> LOW_BITS;
    if (main > atRev) {
      return null;
    }
    return new KeyIndex.Found(main, revisions[i] & LOW_MASK, creations[i] >>> LOW_BITS, creations[i] & LOW_MASK);
  }

  boolean isLive(int i) {
    return full[i] == null || full[i].isLive();
  }

  /** Key {@code i}'s generations, oldest first (as {@link KeyIndex#generations}). */
  List<List<Revision>> generations(int i) {
    if (full[i] != null) {
      return full[i].generations();
    }
    return List.of(List.of(new Revision(revisions[i] >>> LOW_BITS, revisions[i] & LOW_MASK)));
  }

  /** Key {@code i}'s history as a {@link KeyIndex} the caller may change: unpacked first if need be. */
  KeyIndex unpack(int i) {
    KeyIndex ki = full[i];
    if (ki == null) {
      ki = new KeyIndex();
      ki.restorePut(revisions[i] >>> LOW_BITS, revisions[i] & LOW_MASK, creations[i] >>> LOW_BITS,
          creations[i] & LOW_MASK);
      full[i] = ki;
    }
    return ki;
  }

  /**
   * Compacts every key at {@code atRev} (etcd's keyIndex.compact): keys left with nothing leave the
   * leaf, keys left with one live revision are packed again. A packed key has nothing to drop: its one
   * revision is its newest and not a tombstone.
   */
  void compact(long atRev, TreeIndex.CompactedRevisions removed) {
    int kept = 0;
    for (int i = 0; i < size; i++) {
      KeyIndex ki = full[i];
      if (ki != null) {
        ByteString key = UnsafeByteOperations.unsafeWrap(keys[i]);
        ki.compact(atRev, (main, sub, tombstone) -> removed.removed(key, main, sub, tombstone));
        if (ki.isEmpty()) {
          continue;
        }
      }
      keys[kept] = keys[i];
      revisions[kept] = revisions[i];
      creations[kept] = creations[i];
      full[kept] = ki;
      KeyIndex.Found only = ki == null ? null : ki.onlyRevision();
      if (only != null && packs(only.main(), only.sub(), only.createRevision(), only.version())) {
        pack(kept, only.main(), only.sub(), only.createRevision(), only.version());
      }
      kept++;
    }
    Arrays.fill(keys, kept, size, null);
    Arrays.fill(full, kept, size, null);
    size = kept;
  }

  /** The revision of key {@code i} that a compaction at {@code atRev} keeps, or null (as {@link KeyIndex#keep}). */
  Revision keep(int i, long atRev) {
    if (full[i] != null) {
      return full[i].keep(atRev);
    }
    long main = revisions[i] >>> LOW_BITS;
    return main <= atRev ? new Revision(main, revisions[i] & LOW_MASK) : null;
  }

  /** Moves the keys from {@code from} on into a new leaf, which it returns. */
  IndexLeaf splitOff(int from) {
    IndexLeaf right = new IndexLeaf();
    right.appendRange(this, from, size);
    Arrays.fill(keys, from, size, null);
    Arrays.fill(full, from, size, null);
    size = from;
    return right;
  }

  /** Appends every key of {@code next}, whose keys all sort after this leaf's; they must fit. */
  void absorb(IndexLeaf next) {
    appendRange(next, 0, next.size);
  }

  private void appendRange(IndexLeaf from, int start, int end) {
    int n = end - start;
    if (size + n > CAPACITY) {
      throw new IllegalStateException("leaf overflow: " + size + " + " + n);
    }
    System.arraycopy(from.keys, start, keys, size, n);
    System.arraycopy(from.revisions, start, revisions, size, n);
    System.arraycopy(from.creations, start, creations, size, n);
    System.arraycopy(from.full, start, full, size, n);
    size += n;
  }

  /** Makes key {@code i} hold exactly this one live revision: packed if it fits, else a KeyIndex. */
  private void setOnly(int i, long main, long sub, long createRevision, long version) {
    if (packs(main, sub, createRevision, version)) {
      pack(i, main, sub, createRevision, version);
    } else {
      KeyIndex ki = new KeyIndex();
      ki.restorePut(main, sub, createRevision, version);
      full[i] = ki;
    }
  }

  private void pack(int i, long main, long sub, long createRevision, long version) {
    revisions[i] = main << LOW_BITS | sub;
    creations[i] = createRevision << LOW_BITS | version;
    full[i] = null;
  }

  private static boolean packs(long main, long sub, long createRevision, long version) {
    return fits(main) && fits(createRevision) && sub >= 0 && sub <= LOW_MASK && version >= 0 && version <= LOW_MASK;
  }

  private static boolean fits(long revision) {
    return revision >= 0 && revision <= MAX_HIGH;
  }
}
