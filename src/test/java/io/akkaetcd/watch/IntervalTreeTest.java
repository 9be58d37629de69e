package io.akkaetcd.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class IntervalTreeTest {
  private static ByteString key(int i) {
    return ByteString.copyFrom(ByteBuffer.allocate(4).putInt(i).array());
  }

  record Order(String name, boolean ascending) {}

  static Stream<Order> orders() {
    return Stream.of(new Order("ascending", true), new Order("descending", false));
  }

  /** Sorted insertion degrades a plain BST to a list; the treap stays logarithmic. */
  @ParameterizedTest
  @MethodSource("orders")
  void staysBalancedUnderSortedInsertion(Order order) {
    IntervalTree<Integer> tree = new IntervalTree<>();
    int n = 50_000;
    List<IntervalTree.Node<Integer>> nodes = new ArrayList<>();
    for (int j = 0; j < n; j++) {
      int i = order.ascending() ? j : n - 1 - j;
      nodes.add(tree.insert(key(2 * i), key(2 * i + 1), i));
    }
    assertEquals(n, tree.size());
    assertTrue(tree.height() < 60, "height " + tree.height());

    List<Integer> hits = new ArrayList<>();
    tree.stab(key(2 * 1234), hits::add);
    assertEquals(List.of(1234), hits);
    hits.clear();
    tree.stab(key(2 * 1234 + 1), hits::add);
    assertEquals(List.of(), hits);

    for (int j = 0; j < n; j += 2) {
      assertTrue(tree.remove(nodes.get(j)));
    }
    assertEquals(n / 2, tree.size());
    assertTrue(tree.height() < 60, "height after removals " + tree.height());
  }
}
