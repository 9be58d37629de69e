package io.akkaetcd.mvcc;

import static io.akkaetcd.mvcc.StoreFixture.ZERO;
import static io.akkaetcd.mvcc.StoreFixture.b;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.akkaetcd.api.KeyValue;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RangeRequest.SortOrder;
import io.akkaetcd.api.RangeRequest.SortTarget;
import io.akkaetcd.api.RangeResponse;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every range option, alone and combined, against one fixed history. */
class MvccStoreRangeTest {

  /**
   * The history, and the state it leaves at revision 10:
   *
   * <pre>
   *   rev: 2 a=z  3 b=y  4 c=x  5 a=w  6 d=v  7 c=u  8 c=t  9 e/1=s  10 e/2=r
   *
   *   key  value create mod version
   *   a    w     2      5   2
   *   b    y     3      3   1
   *   c    t     4      8   3
   *   d    v     6      6   1
   *   e/1  s     9      9   1
   *   e/2  r     10     10  1
   * </pre>
   */
  static StoreFixture history() {
    StoreFixture f = new StoreFixture();
    f.put("a", "z");
    f.put("b", "y");
    f.put("c", "x");
    f.put("a", "w");
    f.put("d", "v");
    f.put("c", "u");
    f.put("c", "t");
    f.put("e/1", "s");
    f.put("e/2", "r");
    return f;
  }

  static final List<String> ALL = List.of("a", "b", "c", "d", "e/1", "e/2");

  record RangeCase(String name, UnaryOperator<RangeRequest.Builder> request, List<String> keys, long count,
      boolean more) {
    @Override
    public String toString() {
      return name;
    }
  }

  static RangeRequest.Builder all(RangeRequest.Builder r) {
    return r.setKey(ZERO).setRangeEnd(ZERO);
  }

  static Stream<RangeCase> rangeCases() {
    return Stream.of(
        new RangeCase("single key", r -> r.setKey(b("a")), List.of("a"), 1, false),
        new RangeCase("missing key", r -> r.setKey(b("x")), List.of(), 0, false),
        new RangeCase("[b, d)", r -> r.setKey(b("b")).setRangeEnd(b("d")), List.of("b", "c"), 2, false),
        new RangeCase("prefix e/", r -> r.setKey(b("e/")).setRangeEnd(b("e0")), List.of("e/1", "e/2"), 2, false),
        new RangeCase("from key c", r -> r.setKey(b("c")).setRangeEnd(ZERO), List.of("c", "d", "e/1", "e/2"), 4,
            false),
        new RangeCase("all keys", r -> all(r), ALL, 6, false),
        new RangeCase("end before key", r -> r.setKey(b("d")).setRangeEnd(b("b")), List.of(), 0, false),
        new RangeCase("limit 2", r -> all(r).setLimit(2), List.of("a", "b"), 6, true),
        new RangeCase("limit 6 = count", r -> all(r).setLimit(6), ALL, 6, false),
        new RangeCase("limit 7 > count", r -> all(r).setLimit(7), ALL, 6, false),
        new RangeCase("negative limit is no limit", r -> all(r).setLimit(-1), ALL, 6, false),
        new RangeCase("at revision 4", r -> all(r).setRevision(4), List.of("a", "b", "c"), 3, false),
        new RangeCase("at revision 1", r -> all(r).setRevision(1), List.of(), 0, false),
        new RangeCase("count only", r -> all(r).setCountOnly(true), List.of(), 6, false),
        new RangeCase("count only with limit", r -> all(r).setCountOnly(true).setLimit(2), List.of(), 6, false),
        new RangeCase("count only of prefix at revision 9", r -> r.setKey(b("e/")).setRangeEnd(b("e0"))
            .setRevision(9).setCountOnly(true), List.of(), 1, false),
        // sorting fetches everything, sorts, then limits
        new RangeCase("version descend limit 2",
            r -> all(r).setSortOrder(SortOrder.DESCEND).setSortTarget(SortTarget.VERSION).setLimit(2),
            List.of("c", "a"), 6, true),
        new RangeCase("create descend limit 3",
            r -> all(r).setSortOrder(SortOrder.DESCEND).setSortTarget(SortTarget.CREATE).setLimit(3),
            List.of("e/2", "e/1", "d"), 6, true),
        new RangeCase("create ascend",
            r -> all(r).setSortOrder(SortOrder.ASCEND).setSortTarget(SortTarget.CREATE), ALL, 6, false),
        new RangeCase("mod ascend",
            r -> all(r).setSortOrder(SortOrder.ASCEND).setSortTarget(SortTarget.MOD),
            List.of("b", "a", "d", "c", "e/1", "e/2"), 6, false),
        new RangeCase("mod descend",
            r -> all(r).setSortOrder(SortOrder.DESCEND).setSortTarget(SortTarget.MOD),
            List.of("e/2", "e/1", "c", "d", "a", "b"), 6, false),
        new RangeCase("value ascend",
            r -> all(r).setSortOrder(SortOrder.ASCEND).setSortTarget(SortTarget.VALUE),
            List.of("e/2", "e/1", "c", "d", "a", "b"), 6, false),
        new RangeCase("value descend limit 1",
            r -> all(r).setSortOrder(SortOrder.DESCEND).setSortTarget(SortTarget.VALUE).setLimit(1),
            List.of("b"), 6, true),
        new RangeCase("key descend limit 2",
            r -> all(r).setSortOrder(SortOrder.DESCEND).setSortTarget(SortTarget.KEY).setLimit(2),
            List.of("e/2", "e/1"), 6, true),
        new RangeCase("key ascend limit 2",
            r -> all(r).setSortOrder(SortOrder.ASCEND).setSortTarget(SortTarget.KEY).setLimit(2),
            List.of("a", "b"), 6, true),
        // order NONE with a non-KEY target sorts ASCEND, but (as etcd) over only limit+1 keys fetched
        new RangeCase("none order, mod target", r -> all(r).setSortTarget(SortTarget.MOD),
            List.of("b", "a", "d", "c", "e/1", "e/2"), 6, false),
        new RangeCase("none order, mod target, limit 2", r -> all(r).setSortTarget(SortTarget.MOD).setLimit(2),
            List.of("b", "a"), 6, true),
        new RangeCase("none order, mod target, limit 3", r -> all(r).setSortTarget(SortTarget.MOD).setLimit(3),
            List.of("b", "a", "d"), 6, true),
        // filters apply after the fetch and leave count alone
        new RangeCase("min mod 6", r -> all(r).setMinModRevision(6), List.of("c", "d", "e/1", "e/2"), 6, false),
        new RangeCase("max mod 5", r -> all(r).setMaxModRevision(5), List.of("a", "b"), 6, false),
        new RangeCase("create in [4, 9]", r -> all(r).setMinCreateRevision(4).setMaxCreateRevision(9),
            List.of("c", "d", "e/1"), 6, false),
        new RangeCase("min mod 6 limit 2", r -> all(r).setMinModRevision(6).setLimit(2), List.of("c", "d"), 6, true),
        new RangeCase("max mod 5 limit 2", r -> all(r).setMaxModRevision(5).setLimit(2), List.of("a", "b"), 6,
            false),
        new RangeCase("mod in [4, 8] at revision 7, sorted by value",
            r -> all(r).setRevision(7).setMinModRevision(4).setMaxModRevision(8)
                .setSortOrder(SortOrder.ASCEND).setSortTarget(SortTarget.VALUE),
            List.of("c", "d", "a"), 4, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rangeCases")
  void range(RangeCase c) {
    StoreFixture f = history();
    RangeResponse resp = f.store.range(c.request().apply(RangeRequest.newBuilder()).build());
    assertEquals(c.keys(), resp.getKvsList().stream().map(kv -> kv.getKey().toStringUtf8()).toList());
    assertEquals(c.count(), resp.getCount());
    assertEquals(c.more(), resp.getMore());
    assertEquals(10, resp.getHeader().getRevision(), "header carries the current revision, not the one read");
  }

  @Test
  void returnsWholeKeyValues() {
    StoreFixture f = history();
    RangeResponse resp = f.store.range(RangeRequest.newBuilder().setKey(b("c")).build());
    assertEquals(List.of(StoreFixture.kv("c", "t", 4, 8, 3)), resp.getKvsList());
    RangeResponse old = f.store.range(RangeRequest.newBuilder().setKey(b("c")).setRevision(7).build());
    assertEquals(List.of(StoreFixture.kv("c", "u", 4, 7, 2)), old.getKvsList());
  }

  @Test
  void keysOnlyDropsValuesButKeepsTheRest() {
    StoreFixture f = history();
    RangeResponse resp = f.store.range(all(RangeRequest.newBuilder()).setKeysOnly(true).setLimit(2).build());
    assertEquals(List.of(
            KeyValue.newBuilder().setKey(b("a")).setCreateRevision(2).setModRevision(5).setVersion(2).build(),
            KeyValue.newBuilder().setKey(b("b")).setCreateRevision(3).setModRevision(3).setVersion(1).build()),
        resp.getKvsList());
  }

  @Test
  void keysCompareAsUnsignedBytes() {
    StoreFixture f = new StoreFixture();
    byte[] high = {(byte) 0xff};
    byte[] low = {0x7f};
    f.store.put(io.akkaetcd.api.PutRequest.newBuilder().setKey(com.google.protobuf.ByteString.copyFrom(high)).build());
    f.store.put(io.akkaetcd.api.PutRequest.newBuilder().setKey(com.google.protobuf.ByteString.copyFrom(low)).build());
    RangeResponse resp = f.store.range(all(RangeRequest.newBuilder()).build());
    assertEquals(0x7f, resp.getKvs(0).getKey().byteAt(0) & 0xff);
    assertEquals(0xff, resp.getKvs(1).getKey().byteAt(0) & 0xff);
    RangeResponse below = f.store.range(RangeRequest.newBuilder().setKey(ZERO)
        .setRangeEnd(com.google.protobuf.ByteString.copyFrom(new byte[] {(byte) 0x80})).build());
    assertEquals(1, below.getCount());
  }
}
