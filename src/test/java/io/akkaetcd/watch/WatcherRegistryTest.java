package io.akkaetcd.watch;

import static io.akkaetcd.watch.Keys.bs;
import static io.akkaetcd.watch.Keys.delete;
import static io.akkaetcd.watch.Keys.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.akkaetcd.api.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WatcherRegistryTest {
  /** Bytes that exercise the edges of unsigned order. */
  private static final byte[] ALPHABET = {0x00, 0x01, 'a', 'b', 'c', 0x7f, (byte) 0x80, (byte) 0xff};

  private static ByteString randomKey(SplittableRandom rnd, int minLength) {
    int length = minLength + rnd.nextInt(4 - minLength);
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = ALPHABET[rnd.nextInt(ALPHABET.length)];
    }
    return ByteString.copyFrom(b);
  }

  private static KeyRange randomRange(SplittableRandom rnd) {
    ByteString key = randomKey(rnd, 1);
    return switch (rnd.nextInt(4)) {
      case 0 -> KeyRange.single(key);
      case 1 -> KeyRange.fromKey(key);
      default -> {
        ByteString end = randomKey(rnd, 1);
        while (KeyRange.KEY_ORDER.compare(key, end) >= 0) {
          key = randomKey(rnd, 1);
          end = randomKey(rnd, 1);
        }
        yield new KeyRange(key, end);
      }
    };
  }

  record Load(long seed, int watchers) {}

  static Stream<Load> loads() {
    return Stream.of(new Load(1, 1), new Load(2, 10), new Load(3, 100), new Load(4, 1000),
        new Load(5, 3000), new Load(42, 500));
  }

  /** Stabbing queries against a brute-force oracle, over random ranges, some unregistered again. */
  @ParameterizedTest
  @MethodSource("loads")
  void matchingAgreesWithBruteForce(Load load) {
    SplittableRandom rnd = new SplittableRandom(load.seed());
    WatcherRegistry<Integer> registry = new WatcherRegistry<>();
    Map<Integer, KeyRange> oracle = new HashMap<>();
    for (int w = 0; w < load.watchers(); w++) {
      KeyRange range = randomRange(rnd);
      registry.register(w, range);
      oracle.put(w, range);
      if (rnd.nextInt(3) == 0) {
        int victim = rnd.nextInt(w + 1);
        assertEquals(oracle.remove(victim) != null, registry.unregister(victim));
      }
    }
    assertEquals(oracle.size(), registry.size());
    for (int probe = 0; probe < 2000; probe++) {
      ByteString key = randomKey(rnd, 0);
      Set<Integer> expected = new HashSet<>();
      oracle.forEach((w, r) -> {
        if (r.contains(key)) {
          expected.add(w);
        }
      });
      List<Integer> got = registry.matching(key);
      assertEquals(expected, new HashSet<>(got), () -> "key " + key);
      assertEquals(got.size(), new HashSet<>(got).size(), "no watcher twice");
    }
    // Emptying the registry leaves nothing behind.
    for (Integer w : new ArrayList<>(oracle.keySet())) {
      assertTrue(registry.unregister(w));
    }
    assertEquals(0, registry.size());
    assertEquals(List.of(), registry.matching(bs("a")));
  }

  @Test
  void sameRangeManyWatchers() {
    WatcherRegistry<String> registry = new WatcherRegistry<>();
    registry.register("w1", new KeyRange(bs("a"), bs("c")));
    registry.register("w2", new KeyRange(bs("a"), bs("c")));
    registry.register("k1", KeyRange.single(bs("b")));
    registry.register("k2", KeyRange.single(bs("b")));
    registry.register("w3", new KeyRange(bs("a"), bs("d")));
    assertEquals(2, registry.rangeNodes(), "watchers of one range share a node");
    assertEquals(List.of("k1", "k2", "w1", "w2", "w3"), registry.matching(bs("b")));
    registry.unregister("w1");
    registry.unregister("k1");
    assertEquals(List.of("k2", "w2", "w3"), registry.matching(bs("b")));
    registry.unregister("w2");
    assertEquals(1, registry.rangeNodes(), "a range's node goes with its last watcher");
    assertEquals(List.of("k2", "w3"), registry.matching(bs("b")));
  }

  @Test
  void rejectsEmptyRangeAndDoubleRegistration() {
    WatcherRegistry<String> registry = new WatcherRegistry<>();
    assertThrows(IllegalArgumentException.class,
        () -> registry.register("w", new KeyRange(bs("b"), bs("a"))));
    registry.register("w", KeyRange.all());
    assertThrows(IllegalStateException.class, () -> registry.register("w", KeyRange.all()));
    assertFalse(registry.unregister("other"));
    assertEquals(KeyRange.all(), registry.rangeOf("w").orElseThrow());
  }

  /**
   * One revision that puts foo, deletes fob, puts zed and bar:
   *
   * <pre>
   *   exact  single "foo"     gets  put foo
   *   f-g    [f, g)           gets  put foo, delete fob
   *   fo*    prefix "fo"      gets  put foo, delete fob
   *   z+     from "z"         gets  put zed
   *   nobody wants bar
   * </pre>
   */
  @Test
  void routesOneRevisionAsOneOrderedBatchPerWatcher() {
    WatcherRegistry<String> registry = new WatcherRegistry<>();
    registry.register("z+", KeyRange.fromKey(bs("z")));
    registry.register("fo*", KeyRange.prefix(bs("fo")));
    registry.register("f-g", new KeyRange(bs("f"), bs("g")));
    registry.register("exact", KeyRange.single(bs("foo")));
    registry.register("idle", KeyRange.single(bs("nothing")));

    Event putFoo = put("foo", 7);
    Event delFob = delete("fob", 7);
    Event putZed = put("zed", 7);
    Event putBar = put("bar", 7);
    Map<String, List<Event>> batches = registry.route(List.of(putFoo, delFob, putZed, putBar));

    assertEquals(List.of("exact", "f-g", "fo*", "z+"), new ArrayList<>(batches.keySet()));
    assertEquals(List.of(putFoo), batches.get("exact"));
    assertEquals(List.of(putFoo, delFob), batches.get("f-g"));
    assertEquals(List.of(putFoo, delFob), batches.get("fo*"));
    assertEquals(List.of(putZed), batches.get("z+"));
  }

  @Test
  void everythingWatcherSeesEveryKey() {
    WatcherRegistry<String> registry = new WatcherRegistry<>();
    registry.register("all", KeyRange.ofWatch(ByteString.EMPTY, KeyRange.ZERO));
    for (String k : List.of("\0", "a", "\u007f", "\u0080", "\u00ff\u00ff\u00ff")) {
      assertEquals(List.of("all"), registry.matching(bs(k)), k);
    }
  }
}
