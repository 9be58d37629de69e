package io.akkaetcd.etcdfiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Reads a bbolt database file (bbolt 1.3, format version 2, what etcd 3.4 and 3.5 write as
 * {@code member/snap/db} and as `etcdctl snapshot save`'s file), read-only. The format, little-endian:
 *
 * <pre>
 *   page        header: id u64, flags u16 (0x01 branch, 0x02 leaf, 0x04 meta, 0x10 freelist),
 *               count u16 (elements), overflow u32 (further pages this one spans); page i is at i*pageSize
 *   meta        pages 0 and 1, after the header: magic u32 0xED0CDAED, version u32 (2), pageSize u32,
 *               flags u32, root bucket {root pgid u64, sequence u64}, freelist pgid u64, pgid u64 (pages in
 *               use), txid u64, checksum u64 (FNV-1a 64 of the 56 bytes before it); the valid one with the
 *               higher txid is current
 *   branch      count elements {pos u32, ksize u32, pgid u64}: child pages and their first keys; pos is
 *               counted from the element's own start
 *   leaf        count elements {flags u32 (0x01 bucket), pos u32, ksize u32, vsize u32}; key then value at pos
 *   bucket      a leaf value with flag 0x01: {root pgid u64, sequence u64}; root 0 means the bucket is
 *               inline: a page (header and leaf elements) follows in the value itself
 * </pre>
 *
 * The freelist is not read (nothing here allocates). Any page outside the file or the meta's page count,
 * of the wrong kind or with elements past its end is an {@link EtcdFileException} naming the offset.
 */
public final class BoltReader implements AutoCloseable {
  private static final int PAGE_HEADER = 16;
  private static final int ELEMENT = 16;
  private static final int BRANCH = 0x01;
  private static final int LEAF = 0x02;
  private static final int META = 0x04;
  private static final int BUCKET_FLAG = 0x01;
  private static final int MAGIC = 0xED0CDAED;
  private static final int VERSION = 2;
  private static final int MAX_DEPTH = 64;

  private final Path path;
  private final FileChannel file;
  private final long fileSize;
  private final int pageSize;
  private final long pageCount;
  private final long txid;
  private final Map<String, ByteBuffer> buckets = new LinkedHashMap<>();

  private BoltReader(Path path, FileChannel file) throws IOException {
    this.path = path;
    this.file = file;
    this.fileSize = file.size();
    if (fileSize < 2L * PAGE_HEADER + 64) {
      throw new EtcdFileException(path, fileSize, "too short for a bbolt file (" + fileSize + " bytes)");
    }
    ByteBuffer meta0 = readAt(0, 4096);
    String problem0 = metaProblem(meta0);
    int size = problem0 == null ? meta0.getInt(PAGE_HEADER + 8) : 4096;
    ByteBuffer meta1 = fileSize >= 2L * size ? readAt(size, size) : null;
    String problem1 = meta1 == null ? "missing" : metaProblem(meta1);
    ByteBuffer meta;
    if (problem0 == null && (problem1 != null || meta0.getLong(PAGE_HEADER + 48) >= meta1.getLong(PAGE_HEADER + 48))) {
      meta = meta0;
    } else if (problem1 == null) {
      meta = meta1;
    } else {
      throw new EtcdFileException(path, 0, "not a bbolt file: meta page 0 " + problem0 + ", meta page 1 " + problem1);
    }
    this.pageSize = size;
    this.pageCount = meta.getLong(PAGE_HEADER + 40);
    this.txid = meta.getLong(PAGE_HEADER + 48);
    if (fileSize < pageCount * pageSize) {
      throw new EtcdFileException(path, fileSize, "truncated: the meta page says " + pageCount + " pages of "
          + pageSize + " bytes (" + pageCount * pageSize + " bytes), the file has " + fileSize);
    }
    long root = meta.getLong(PAGE_HEADER + 16);
    walk(root, 0, (k, v, flags) -> {
      if ((flags & BUCKET_FLAG) != 0) {
        buckets.put(new String(k, StandardCharsets.UTF_8), ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN));
      }
    });
  }

  public static BoltReader open(Path path) {
    try {
      FileChannel file = FileChannel.open(path, StandardOpenOption.READ);
      try {
        return new BoltReader(path, file);
      } catch (RuntimeException | IOException e) {
        file.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  /** The top-level bucket names, in key order. */
  public List<String> buckets() {
    return new ArrayList<>(buckets.keySet());
  }

  public boolean hasBucket(String name) {
    return buckets.containsKey(name);
  }

  public long txid() {
    return txid;
  }

  public int pageSize() {
    return pageSize;
  }

  /** Visits every key/value of a top-level bucket in key order (nested buckets are skipped); none if absent. */
  public void forEach(String bucket, BiConsumer<byte[], byte[]> visitor) {
    ByteBuffer header = buckets.get(bucket);
    if (header == null) {
      return;
    }
    Visitor pairs = (k, v, flags) -> {
      if ((flags & BUCKET_FLAG) == 0) {
        visitor.accept(k, v);
      }
    };
    long root = header.getLong(0);
    try {
      if (root == 0) {
        ByteBuffer inline = header.slice(ELEMENT, header.limit() - ELEMENT).order(ByteOrder.LITTLE_ENDIAN);
        visitPage(inline, -1, 0, pairs);
      } else {
        walk(root, 0, pairs);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  private interface Visitor {
    void accept(byte[] key, byte[] value, int flags);
  }

  private void walk(long pgid, int depth, Visitor visitor) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new EtcdFileException(path, pgid * pageSize, "tree deeper than " + MAX_DEPTH + " (a cycle?)");
    }
    if (pgid < 2 || pgid >= pageCount) {
      throw new EtcdFileException(path, pgid * pageSize, "page " + pgid + " outside the " + pageCount + " pages in use");
    }
    ByteBuffer head = readAt(pgid * pageSize, PAGE_HEADER);
    int overflow = head.getInt(12);
    if (head.getLong(0) != pgid || overflow < 0 || pgid + overflow >= pageCount) {
      throw new EtcdFileException(path, pgid * pageSize, "page " + pgid + " has a bad header (id " + head.getLong(0)
          + ", overflow " + overflow + ")");
    }
    ByteBuffer page = readAt(pgid * pageSize, (overflow + 1) * pageSize);
    visitPage(page, pgid, depth, visitor);
  }

  /** One branch or leaf page; {@code pgid} -1 for an inline bucket's page. */
  private void visitPage(ByteBuffer page, long pgid, int depth, Visitor visitor) throws IOException {
    long at = Math.max(pgid, 0) * pageSize;
    if (page.limit() < PAGE_HEADER) {
      throw new EtcdFileException(path, at, "inline bucket shorter than a page header");
    }
    int flags = page.getShort(8) & 0xFFFF;
    int count = page.getShort(10) & 0xFFFF;
    if (PAGE_HEADER + (long) count * ELEMENT > page.limit()) {
      throw new EtcdFileException(path, at, "page " + pgid + " claims " + count + " elements, more than it holds");
    }
    for (int i = 0; i < count; i++) {
      int element = PAGE_HEADER + i * ELEMENT;
      if (flags == BRANCH) {
        long child = page.getLong(element + 8);
        walk(child, depth + 1, visitor);
      } else if (flags == LEAF) {
        int elementFlags = page.getInt(element);
        long pos = element + (page.getInt(element + 4) & 0xFFFFFFFFL);
        long ksize = page.getInt(element + 8) & 0xFFFFFFFFL;
        long vsize = page.getInt(element + 12) & 0xFFFFFFFFL;
        if (pos + ksize + vsize > page.limit()) {
          throw new EtcdFileException(path, at + element, "leaf element " + i + " of page " + pgid + " runs past the page");
        }
        byte[] k = new byte[(int) ksize];
        byte[] v = new byte[(int) vsize];
        page.get((int) pos, k).get((int) (pos + ksize), v);
        visitor.accept(k, v, elementFlags);
      } else {
        throw new EtcdFileException(path, at, "page " + pgid + " is neither a branch nor a leaf (flags 0x"
            + Integer.toHexString(flags) + ")");
      }
    }
  }

  private static String metaProblem(ByteBuffer page) {
    if ((page.getShort(8) & META) == 0) {
      return "is not a meta page";
    }
    if (page.getInt(PAGE_HEADER) != MAGIC) {
      return "has no bbolt magic";
    }
    if (page.getInt(PAGE_HEADER + 4) != VERSION) {
      return "has format version " + page.getInt(PAGE_HEADER + 4) + " (this reader knows " + VERSION + ")";
    }
    long sum = fnv64a(page, PAGE_HEADER, 56);
    if (sum != page.getLong(PAGE_HEADER + 56)) {
      return "fails its checksum";
    }
    return null;
  }

  /** FNV-1a, 64 bits (Go's hash/fnv New64a), bbolt's meta checksum. */
  private static long fnv64a(ByteBuffer b, int from, int length) {
    long h = 0xcbf29ce484222325L;
    for (int i = from; i < from + length; i++) {
      h ^= b.get(i) & 0xFF;
      h *= 0x100000001b3L;
    }
    return h;
  }

  private ByteBuffer readAt(long offset, int length) throws IOException {
    if (offset + length > fileSize) {
      throw new EtcdFileException(path, fileSize, "truncated: needs bytes " + offset + ".." + (offset + length)
          + ", the file has " + fileSize);
    }
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      if (file.read(b, offset + b.position()) < 0) {
        throw new EtcdFileException(path, offset + b.position(), "unexpected end of file");
      }
    }
    return b.flip();
  }

  @Override
  public void close() {
    try {
      file.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
