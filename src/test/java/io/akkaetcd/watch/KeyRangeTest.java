package io.akkaetcd.watch;

import static io.akkaetcd.watch.Keys.bs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KeyRangeTest {
  record Case(String key, String rangeEnd, String probe, boolean contained) {}

  static Stream<Case> containsCases() {
    return Stream.of(
        // single key: range_end empty
        new Case("a", "", "a", true),
        new Case("a", "", "ab", false),
        new Case("a", "", "", false),
        new Case("\0", "", "\0", true),
        // [key, range_end)
        new Case("a", "c", "a", true),
        new Case("a", "c", "b", true),
        new Case("a", "c", "bzzz", true),
        new Case("a", "c", "c", false),
        new Case("a", "c", "0", false),
        // unsigned byte order: 0x80..0xff sort above ASCII
        new Case("\u0001", "\u0080", "\u007f", true),
        new Case("\u0001", "\u0080", "\u0080", false),
        new Case("\u0001", "\u0080", "\u00ff", false),
        new Case("a", "\u00ff", "\u00fe\u00ff", true),
        // from key: range_end "\0"
        new Case("b", "\0", "b", true),
        new Case("b", "\0", "zzz", true),
        new Case("b", "\0", "\u00ff\u00ff", true),
        new Case("b", "\0", "a", false),
        // everything: key "\0", range_end "\0"
        new Case("\0", "\0", "\0", true),
        new Case("\0", "\0", "a", true),
        new Case("\0", "\0", "\u00ff", true),
        // empty ranges hold nothing
        new Case("b", "a", "b", false),
        new Case("a", "a", "a", false));
  }

  @ParameterizedTest
  @MethodSource("containsCases")
  void contains(Case c) {
    assertEquals(c.contained(), new KeyRange(bs(c.key()), bs(c.rangeEnd())).contains(bs(c.probe())));
  }

  record Shape(String key, String rangeEnd, boolean single, boolean fromKey, boolean empty) {}

  static Stream<Shape> shapes() {
    return Stream.of(
        new Shape("a", "", true, false, false),
        new Shape("a", "b", false, false, false),
        new Shape("a", "\0", false, true, false),
        new Shape("\0", "\0", false, true, false),
        new Shape("b", "a", false, false, true),
        new Shape("a", "a", false, false, true),
        new Shape("\u0080", "\u007f", false, false, true));
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void shape(Shape s) {
    KeyRange r = new KeyRange(bs(s.key()), bs(s.rangeEnd()));
    assertEquals(s.single(), r.isSingleKey());
    assertEquals(s.fromKey(), r.isFromKey());
    assertEquals(s.empty(), r.isEmpty());
  }

  record Prefix(String prefix, String key, String rangeEnd) {}

  static Stream<Prefix> prefixes() {
    return Stream.of(
        new Prefix("a", "a", "b"),
        new Prefix("foo/", "foo/", "foo0"),
        new Prefix("a\u00ff", "a\u00ff", "b"),
        new Prefix("\u00ff\u00ff", "\u00ff\u00ff", "\0"),
        new Prefix("", "", "\0"));
  }

  @ParameterizedTest
  @MethodSource("prefixes")
  void prefixRangeEndAsClientv3(Prefix p) {
    assertEquals(new KeyRange(bs(p.key()), bs(p.rangeEnd())), KeyRange.prefix(bs(p.prefix())));
  }

  record Normalised(String key, String rangeEnd, String wantKey, String wantEnd) {}

  static Stream<Normalised> watchRequests() {
    return Stream.of(
        new Normalised("", "", "\0", ""),
        new Normalised("", "\0", "\0", "\0"),
        new Normalised("a", "", "a", ""),
        new Normalised("a", "b", "a", "b"));
  }

  @ParameterizedTest
  @MethodSource("watchRequests")
  void emptyWatchKeyBecomesSmallestKey(Normalised n) {
    assertEquals(new KeyRange(bs(n.wantKey()), bs(n.wantEnd())),
        KeyRange.ofWatch(bs(n.key()), bs(n.rangeEnd())));
  }
}
