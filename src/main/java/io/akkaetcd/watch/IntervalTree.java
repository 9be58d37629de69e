package io.akkaetcd.watch;

import com.google.protobuf.ByteString;
import java.util.Comparator;
import java.util.function.Consumer;

/**
 * A set of half-open key intervals {@code [start, end)} answering stabbing queries ("which intervals
 * hold this key?"), like etcd's {@code pkg/adt} interval tree: a binary search tree ordered by start,
 * each node augmented with the greatest end in its subtree. An end of {@code null} means "no upper
 * bound".
 *
 * <p>Balance: a treap whose priorities are a SplitMix64 hash of the insertion sequence number, so the
 * shape is that of a random treap (expected depth O(log n)) yet fully deterministic: no randomness is
 * drawn.
 *
 * <p>Cost: insert and remove O(log n) expected. A stabbing query prunes every subtree whose greatest
 * end is at or below the key and every right subtree past the key, so it visits the search path plus
 * ancestors of reported intervals: O(log n + k·log(n/k)) in the worst case, the bound of CLRS's
 * augmented tree and of etcd's, and never a scan of unrelated intervals.
 *
 * <p>Not thread-safe.
 */
final class IntervalTree<V> {
  private static final Comparator<ByteString> ORDER = KeyRange.KEY_ORDER;

  /** An interval held by the tree; pass it back to {@link #remove}. */
  static final class Node<V> {
    final ByteString start;
    final ByteString end; // null: unbounded
    final V value;
    final long seq;
    final long priority;
    Node<V> left;
    Node<V> right;
    ByteString maxEnd; // null: unbounded
    boolean removed;

    private Node(ByteString start, ByteString end, V value, long seq) {
      this.start = start;
      this.end = end;
      this.value = value;
      this.seq = seq;
      this.priority = splitMix64(seq);
      this.maxEnd = end;
    }
  }

  private Node<V> root;
  private long nextSeq;
  private int size;

  int size() {
    return size;
  }

  /** For tests: the number of nodes on the longest root-to-leaf path. */
  int height() {
    return height(root);
  }

  private static int height(Node<?> n) {
    return n == null ? 0 : 1 + Math.max(height(n.left), height(n.right));
  }

  /** Adds {@code [start, end)}; {@code end == null} for no upper bound. Requires {@code start < end}. */
  Node<V> insert(ByteString start, ByteString end, V value) {
    if (end != null && ORDER.compare(start, end) >= 0) {
      throw new IllegalArgumentException("empty interval");
    }
    Node<V> node = new Node<>(start, end, value, nextSeq++);
    root = insert(root, node);
    size++;
    return node;
  }

  /** Removes an interval returned by {@link #insert}; false if it was already removed. */
  boolean remove(Node<V> node) {
    if (node.removed) {
      return false;
    }
    root = remove(root, node);
    node.removed = true;
    node.left = null;
    node.right = null;
    size--;
    return true;
  }

  /** Feeds {@code sink} the value of every interval containing {@code key}, in start order. */
  void stab(ByteString key, Consumer<? super V> sink) {
    stab(root, key, sink);
  }

  private static <V> void stab(Node<V> n, ByteString key, Consumer<? super V> sink) {
    // Every interval below n ends at or before maxEnd: if that is <= key none holds key.
    if (n == null || !endsAfter(n.maxEnd, key)) {
      return;
    }
    stab(n.left, key, sink);
    if (ORDER.compare(n.start, key) <= 0) {
      if (endsAfter(n.end, key)) {
        sink.accept(n.value);
      }
      // Only right of a node that starts at or before key can intervals start at or before key.
      stab(n.right, key, sink);
    }
  }

  private static boolean endsAfter(ByteString end, ByteString key) {
    return end == null || ORDER.compare(end, key) > 0;
  }

  private static int compare(Node<?> a, Node<?> b) {
    int c = ORDER.compare(a.start, b.start);
    return c != 0 ? c : Long.compare(a.seq, b.seq);
  }

  private static ByteString maxEnd(ByteString a, ByteString b) {
    if (a == null || b == null) {
      return null;
    }
    return ORDER.compare(a, b) >= 0 ? a : b;
  }

  private static <V> Node<V> update(Node<V> n) {
    ByteString m = n.end;
    if (n.left != null) {
      m = maxEnd(m, n.left.maxEnd);
    }
    if (n.right != null) {
      m = maxEnd(m, n.right.maxEnd);
    }
    n.maxEnd = m;
    return n;
  }

  private static <V> Node<V> insert(Node<V> t, Node<V> node) {
    if (t == null) {
      return node;
    }
    if (node.priority > t.priority) {
      // node becomes the root of this subtree: split t around it.
      Node<V>[] parts = split(t, node);
      node.left = parts[0];
      node.right = parts[1];
      return update(node);
    }
    if (compare(node, t) < 0) {
      t.left = insert(t.left, node);
    } else {
      t.right = insert(t.right, node);
    }
    return update(t);
  }

  /** Splits t into the nodes ordered before {@code pivot} and those after it. */
  @SuppressWarnings("unchecked")
  private static <V> Node<V>[] split(Node<V> t, Node<V> pivot) {
    if (t == null) {
      return (Node<V>[]) new Node[] {null, null};
    }
    if (compare(t, pivot) < 0) {
      Node<V>[] parts = split(t.right, pivot);
      t.right = parts[0];
      parts[0] = update(t);
      return parts;
    }
    Node<V>[] parts = split(t.left, pivot);
    t.left = parts[1];
    parts[1] = update(t);
    return parts;
  }

  /** Joins a and b, every node of a ordered before every node of b. */
  private static <V> Node<V> merge(Node<V> a, Node<V> b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    if (a.priority > b.priority) {
      a.right = merge(a.right, b);
      return update(a);
    }
    b.left = merge(a, b.left);
    return update(b);
  }

  private static <V> Node<V> remove(Node<V> t, Node<V> node) {
    if (t == null) {
      throw new IllegalStateException("interval not in this tree");
    }
    if (t == node) {
      return merge(t.left, t.right);
    }
    if (compare(node, t) < 0) {
      t.left = remove(t.left, node);
    } else {
      t.right = remove(t.right, node);
    }
    return update(t);
  }

  private static long splitMix64(long x) {
    long z = x + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
