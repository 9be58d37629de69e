package io.akkaetcd.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import io.akkaetcd.mvcc.EtcdBuckets;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a bbolt database file (bbolt 1.3's format: version 2, 4 KiB pages, little-endian), as etcd's
 * snapshot is: what `etcdctl snapshot status` and `snapshot restore` open. Buckets are written one
 * after another, each with its pairs in ascending unsigned byte order, as B+trees packed from the
 * leaves up; a pair larger than a page gets overflow pages.
 *
 * <pre>
 *   page 0, 1   meta (magic, version, page size, root bucket page, freelist page, page count, txid)
 *   page 2      freelist (empty)
 *   page 3...   each bucket's leaves, then its branch pages; last, the root bucket's leaf, whose
 *               elements name each bucket and hold its root page
 * </pre>
 */
public final class BoltWriter implements EtcdBuckets.Sink, AutoCloseable {
  static final int PAGE_SIZE = 4096;
  private static final int PAGE_HEADER = 16;
  private static final int ELEMENT = 16;
  private static final short BRANCH_PAGE = 0x01;
  private static final short LEAF_PAGE = 0x02;
  private static final short META_PAGE = 0x04;
  private static final short FREELIST_PAGE = 0x10;
  private static final int BUCKET_LEAF_FLAG = 0x01;
  private static final int MAGIC = 0xED0CDAED;
  private static final int VERSION = 2;
  private static final int FREELIST_PGID = 2;

  /** A child page of a branch: its first key and id. */
  private record Child(byte[] firstKey, long pgid) {}

  private final FileChannel file;
  private long nextPage = 3;
  private final List<byte[][]> rootElements = new ArrayList<>();
  // The bucket being written: its name, the pairs of its current leaf, their size, and its leaves so far.
  private String bucket;
  private byte[] lastKey;
  private final List<byte[][]> leaf = new ArrayList<>();
  private int leafBytes;
  private final List<Child> leaves = new ArrayList<>();

  private BoltWriter(FileChannel file) {
    this.file = file;
  }

  public static BoltWriter create(Path path) {
    try {
      return new BoltWriter(FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + path, e);
    }
  }

  /** Starts a bucket; names must come in ascending order, and the previous bucket is closed. */
  @Override
  public void bucket(String name) {
    endBucket();
    bucket = name;
    lastKey = null;
  }

  /** Adds a pair to the current bucket; keys must ascend (unsigned bytes). */
  @Override
  public void put(byte[] key, byte[] value) {
    if (bucket == null) {
      throw new IllegalStateException("no bucket started");
    }
    if (lastKey != null && Arrays.compareUnsigned(lastKey, key) >= 0) {
      throw new IllegalArgumentException("keys must ascend in bucket " + bucket);
    }
    lastKey = key;
    int size = ELEMENT + key.length + value.length;
    if (!leaf.isEmpty() && PAGE_HEADER + leafBytes + size > PAGE_SIZE) {
      flushLeaf();
    }
    leaf.add(new byte[][] {key, value});
    leafBytes += size;
  }

  /** Closes the last bucket, writes the root bucket page, the freelist and both meta pages, and syncs. */
  public void finish() {
    endBucket();
    long root = writeLeaf(rootElements, BUCKET_LEAF_FLAG);
    ByteBuffer freelist = page(FREELIST_PGID, FREELIST_PAGE, 0, 0);
    write(FREELIST_PGID, freelist);
    write(0, meta(0, root, 1));
    write(1, meta(1, root, 2));
    try {
      file.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      file.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void endBucket() {
    if (bucket == null) {
      return;
    }
    if (!leaf.isEmpty() || leaves.isEmpty()) {
      flushLeaf();
    }
    List<Child> level = new ArrayList<>(leaves);
    while (level.size() > 1) {
      level = writeBranches(level);
    }
    byte[] header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(level.get(0).pgid()).putLong(0)
        .array();
    rootElements.add(new byte[][] {bucket.getBytes(StandardCharsets.UTF_8), header});
    leaves.clear();
    bucket = null;
  }

  private void flushLeaf() {
    byte[] first = leaf.isEmpty() ? new byte[0] : leaf.get(0)[0];
    leaves.add(new Child(first, writeLeaf(leaf, 0)));
    leaf.clear();
    leafBytes = 0;
  }

  /** One leaf page (with overflow pages if its pairs need them); returns its id. */
  private long writeLeaf(List<byte[][]> pairs, int flags) {
    int size = PAGE_HEADER;
    for (byte[][] kv : pairs) {
      size += ELEMENT + kv[0].length + kv[1].length;
    }
    long pgid = nextPage;
    int pages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
    ByteBuffer p = page(pgid, LEAF_PAGE, pairs.size(), pages - 1);
    int data = PAGE_HEADER + ELEMENT * pairs.size();
    for (int i = 0; i < pairs.size(); i++) {
      byte[] k = pairs.get(i)[0];
      byte[] v = pairs.get(i)[1];
      int element = PAGE_HEADER + ELEMENT * i;
      p.putInt(element, flags).putInt(element + 4, data - element).putInt(element + 8, k.length)
          .putInt(element + 12, v.length);
      p.put(data, k).put(data + k.length, v);
      data += k.length + v.length;
    }
    nextPage += pages;
    write(pgid, p);
    return pgid;
  }

  /** Branch pages over {@code children}, as many as they need; returns the level above. */
  private List<Child> writeBranches(List<Child> children) {
    List<Child> parents = new ArrayList<>();
    int from = 0;
    while (from < children.size()) {
      int size = PAGE_HEADER;
      int to = from;
      while (to < children.size()
          && (to == from || size + ELEMENT + children.get(to).firstKey().length <= PAGE_SIZE)) {
        size += ELEMENT + children.get(to).firstKey().length;
        to++;
      }
      List<Child> group = children.subList(from, to);
      long pgid = nextPage;
      int pages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
      ByteBuffer p = page(pgid, BRANCH_PAGE, group.size(), pages - 1);
      int data = PAGE_HEADER + ELEMENT * group.size();
      for (int i = 0; i < group.size(); i++) {
        byte[] k = group.get(i).firstKey();
        int element = PAGE_HEADER + ELEMENT * i;
        p.putInt(element, data - element).putInt(element + 4, k.length).putLong(element + 8, group.get(i).pgid());
        p.put(data, k);
        data += k.length;
      }
      nextPage += pages;
      write(pgid, p);
      parents.add(new Child(group.get(0).firstKey(), pgid));
      from = to;
    }
    return parents;
  }

  private static ByteBuffer page(long pgid, short flags, int count, int overflow) {
    if (count > 0xFFFF) {
      throw new IllegalStateException("too many elements for one page: " + count);
    }
    ByteBuffer p = ByteBuffer.allocate(PAGE_SIZE * (overflow + 1)).order(ByteOrder.LITTLE_ENDIAN);
    p.putLong(0, pgid).putShort(8, flags).putShort(10, (short) count).putInt(12, overflow);
    return p;
  }

  private ByteBuffer meta(long pgid, long rootPage, long txid) {
    ByteBuffer p = page(pgid, META_PAGE, 0, 0);
    int m = PAGE_HEADER;
    p.putInt(m, MAGIC).putInt(m + 4, VERSION).putInt(m + 8, PAGE_SIZE).putInt(m + 12, 0)
        .putLong(m + 16, rootPage).putLong(m + 24, 0).putLong(m + 32, FREELIST_PGID).putLong(m + 40, nextPage)
        .putLong(m + 48, txid);
    p.putLong(m + 56, fnv64a(p, m, 56));
    return p;
  }

  /** FNV-1a, 64 bits, as Go's hash/fnv New64a: bbolt's meta checksum. */
  static long fnv64a(ByteBuffer b, int from, int length) {
    long h = 0xcbf29ce484222325L;
    for (int i = from; i < from + length; i++) {
      h ^= b.get(i) & 0xFF;
      h *= 0x100000001b3L;
    }
    return h;
  }

  private void write(long pgid, ByteBuffer page) {
    try {
      page.rewind();
      long at = pgid * PAGE_SIZE;
      while (page.hasRemaining()) {
        at += file.write(page, at);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
