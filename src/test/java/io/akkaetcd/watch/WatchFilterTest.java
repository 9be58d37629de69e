package io.akkaetcd.watch;

import static io.akkaetcd.watch.Keys.delete;
import static io.akkaetcd.watch.Keys.put;
import static io.akkaetcd.watch.Keys.withPrev;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.akkaetcd.api.Event;
import io.akkaetcd.api.WatchCreateRequest;
import io.akkaetcd.api.WatchCreateRequest.FilterType;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WatchFilterTest {
  private static final List<Event> EVENTS =
      List.of(withPrev(put("a", 5)), withPrev(delete("b", 5)), put("c", 5));

  record Case(List<FilterType> filters, boolean prevKv, List<String> keptKeys, boolean prevKept) {}

  static Stream<Case> cases() {
    return Stream.of(
        new Case(List.of(), false, List.of("a", "b", "c"), false),
        new Case(List.of(), true, List.of("a", "b", "c"), true),
        new Case(List.of(FilterType.NOPUT), true, List.of("b"), true),
        new Case(List.of(FilterType.NODELETE), false, List.of("a", "c"), false),
        new Case(List.of(FilterType.NOPUT, FilterType.NODELETE), true, List.of(), false),
        new Case(List.of(FilterType.NODELETE, FilterType.NODELETE), true, List.of("a", "c"), true));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void filtersByTypeAndShapesPrevKv(Case c) {
    WatchFilter filter = WatchFilter.of(WatchCreateRequest.newBuilder()
        .addAllFilters(c.filters()).setPrevKv(c.prevKv()).build());
    List<Event> kept = filter.apply(EVENTS);
    assertEquals(c.keptKeys(), kept.stream().map(e -> e.getKv().getKey().toStringUtf8()).toList());
    for (Event e : kept) {
      String key = e.getKv().getKey().toStringUtf8();
      boolean hadPrev = !key.equals("c");
      assertEquals(c.prevKept() && hadPrev, e.hasPrevKv(), key);
      assertEquals(e.getKv(), EVENTS.stream()
          .filter(o -> o.getKv().getKey().equals(e.getKv().getKey())).findFirst().orElseThrow()
          .getKv());
    }
  }
}
