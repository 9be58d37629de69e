package io.akkaetcd.watch;

import static io.akkaetcd.watch.Keys.bs;
import static io.akkaetcd.watch.Keys.delete;
import static io.akkaetcd.watch.Keys.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.akkaetcd.api.Event;
import io.akkaetcd.api.KeyValue;
import io.akkaetcd.api.WatchCreateRequest;
import io.akkaetcd.api.WatchCreateRequest.FilterType;
import io.akkaetcd.api.WatchResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WatchStreamStateTest {
  private static final long REV = 10;

  private static WatchCreateRequest.Builder watch(String key) {
    return WatchCreateRequest.newBuilder().setKey(bs(key));
  }

  /**
   * Requested ids (0 = let the server choose; "c5" = cancel 5) and the id each create gets; -1 is a
   * refused create.
   */
  record IdCase(String name, List<String> steps, List<Long> assigned) {}

  static Stream<IdCase> idCases() {
    return Stream.of(
        new IdCase("auto from 0", List.of("0", "0", "0"), List.of(0L, 1L, 2L)),
        new IdCase("auto skips client ids", List.of("1", "0", "0", "0"), List.of(1L, 0L, 2L, 3L)),
        new IdCase("duplicate refused", List.of("3", "3"), List.of(3L, -1L)),
        new IdCase("duplicate of auto id", List.of("0", "0"), List.of(0L, 1L)),
        new IdCase("client id taken by auto", List.of("0", "0", "1"), List.of(0L, 1L, -1L)),
        new IdCase("id free again after cancel", List.of("5", "c5", "5"), List.of(5L, 5L)),
        new IdCase("auto does not reuse", List.of("0", "c0", "0"), List.of(0L, 1L)));
  }

  @ParameterizedTest
  @MethodSource("idCases")
  void assignsIdsAsEtcd(IdCase c) {
    WatchStreamState state = new WatchStreamState();
    List<Long> got = new ArrayList<>();
    for (String step : c.steps()) {
      if (step.startsWith("c")) {
        assertTrue(state.cancel(Long.parseLong(step.substring(1)), REV).isPresent());
        continue;
      }
      WatchStreamState.CreateOutcome outcome =
          state.create(watch("k").setWatchId(Long.parseLong(step)).build(), REV);
      got.add(outcome.response().getWatchId());
      assertTrue(outcome.response().getCreated());
      assertEquals(outcome instanceof WatchStreamState.Rejected, outcome.response().getCanceled());
    }
    assertEquals(c.assigned(), got, c.name());
  }

  record Refusal(WatchCreateRequest request, String reason) {}

  static Stream<Refusal> refusals() {
    return Stream.of(
        new Refusal(watch("a").setStartRevision(-1).build(),
            "etcdserver: mvcc: required revision has been compacted"),
        new Refusal(watch("b").setRangeEnd(bs("a")).build(), "mvcc: watcher range is empty"),
        new Refusal(watch("a").setRangeEnd(bs("a")).build(), "mvcc: watcher range is empty"),
        new Refusal(watch("x").setWatchId(7).build(),
            "mvcc: duplicate watch ID provided on the WatchStream"));
  }

  @ParameterizedTest
  @MethodSource("refusals")
  void refusesAsEtcd(Refusal r) {
    WatchStreamState state = new WatchStreamState();
    state.create(watch("x").setWatchId(7).build(), REV);
    WatchResponse response = state.create(r.request(), REV).response();
    assertEquals(WatchResponse.newBuilder()
        .setHeader(response.getHeader())
        .setWatchId(-1).setCreated(true).setCanceled(true).setCancelReason(r.reason())
        .build(), response);
    assertEquals(REV, response.getHeader().getRevision());
    assertEquals(1, state.watches().size());
  }

  @Test
  void createdResponseAndCancel() {
    WatchStreamState state = new WatchStreamState();
    WatchResponse created = state.create(watch("a").build(), REV).response();
    assertEquals(0, created.getWatchId());
    assertTrue(created.getCreated());
    assertFalse(created.getCanceled());
    assertEquals(REV, created.getHeader().getRevision());

    WatchResponse canceled = state.cancel(0, 12).orElseThrow();
    assertTrue(canceled.getCanceled());
    assertEquals(0, canceled.getWatchId());
    assertEquals(12, canceled.getHeader().getRevision());
    assertTrue(state.cancel(0, 12).isEmpty(), "unknown id: no response");
  }

  @Test
  void compactedWatchIsCanceledWithCompactRevision() {
    WatchStreamState state = new WatchStreamState();
    state.create(watch("a").setStartRevision(2).build(), REV);
    WatchResponse r = state.cancelCompacted(0, 5).orElseThrow();
    assertTrue(r.getCanceled());
    assertEquals(5, r.getCompactRevision());
    assertEquals(0, r.getHeader().getRevision(), "etcd's compacted response is at no revision");
    assertTrue(state.watch(0).isEmpty());
  }

  @Test
  void startRevisionZeroWatchesFromNextRevision() {
    WatchStreamState state = new WatchStreamState();
    WatchStreamState.Created c =
        assertInstanceOf(WatchStreamState.Created.class, state.create(watch("a").build(), REV));
    assertEquals(REV + 1, c.watch().nextRevision());
    assertFalse(c.watch().needsCatchUp(REV));

    assertEquals(List.of(), state.deliver(0, REV, List.of(put("a", REV))), "before the watch");
    List<WatchResponse> sent = state.deliver(0, 11, List.of(put("a", 11)));
    assertEquals(1, sent.size());
    assertEquals(11, sent.get(0).getHeader().getRevision());
    assertEquals(List.of(put("a", 11)), sent.get(0).getEventsList());
    assertEquals(12, c.watch().nextRevision());
    assertEquals(List.of(), state.deliver(0, 11, List.of(put("a", 11))), "already sent");
  }

  @Test
  void catchUpBatchDeliversFromStartRevisionOnly() {
    WatchStreamState state = new WatchStreamState();
    WatchStreamState.Watch w = ((WatchStreamState.Created)
        state.create(watch("a").setStartRevision(5).build(), REV)).watch();
    assertTrue(w.needsCatchUp(REV));
    List<Event> history = IntStream.rangeClosed(3, 10).mapToObj(r -> put("a", r)).toList();
    List<WatchResponse> sent = state.deliver(w.id(), REV, history);
    assertEquals(history.subList(2, 8), sent.get(0).getEventsList());
    assertEquals(REV + 1, w.nextRevision());
    assertFalse(w.needsCatchUp(REV));
  }

  @Test
  void allFilteredSendsNothingButAdvances() {
    WatchStreamState state = new WatchStreamState();
    WatchStreamState.Watch w = ((WatchStreamState.Created) state.create(
        watch("a").addFilters(FilterType.NOPUT).build(), REV)).watch();
    assertEquals(List.of(), state.deliver(w.id(), 11, List.of(put("a", 11))));
    assertEquals(12, w.nextRevision());
    List<WatchResponse> sent = state.deliver(w.id(), 12, List.of(delete("a", 12)));
    assertEquals(List.of(delete("a", 12)), sent.get(0).getEventsList());
  }

  private static Event bigPut(int i, int valueBytes) {
    return Event.newBuilder().setType(Event.EventType.PUT).setKv(KeyValue.newBuilder()
        .setKey(bs("key" + i)).setModRevision(11).setValue(ByteString.copyFrom(new byte[valueBytes])))
        .build();
  }

  record FragmentCase(int events, int valueBytes, long maxBytes) {}

  static Stream<FragmentCase> fragmentCases() {
    return Stream.of(
        new FragmentCase(1, 5000, 100), // one event: never split
        new FragmentCase(10, 10, 100_000), // small: not split
        new FragmentCase(10, 100, 500),
        new FragmentCase(10, 100, 120), // each fragment one event
        new FragmentCase(50, 37, 1000),
        new FragmentCase(7, 300, 700));
  }

  /** Fragments reassemble to the batch; each is under the limit unless it holds one event. */
  @ParameterizedTest
  @MethodSource("fragmentCases")
  void fragmentsAsEtcdSendFragments(FragmentCase c) {
    WatchStreamState state = new WatchStreamState(c.maxBytes());
    state.create(watch("key").setRangeEnd(KeyRange.ZERO).setFragment(true).build(), REV);
    List<Event> events = IntStream.range(0, c.events()).mapToObj(i -> bigPut(i, c.valueBytes()))
        .toList();
    List<WatchResponse> sent = state.deliver(0, 11, events);

    List<Event> reassembled = new ArrayList<>();
    for (int i = 0; i < sent.size(); i++) {
      WatchResponse r = sent.get(i);
      reassembled.addAll(r.getEventsList());
      assertEquals(i < sent.size() - 1, r.getFragment(), "only the last is not a fragment");
      assertEquals(11, r.getHeader().getRevision());
      assertFalse(r.getEventsList().isEmpty());
      if (sent.size() > 1) {
        int sizeAsFragment = r.toBuilder().setFragment(true).build().getSerializedSize();
        assertTrue(r.getEventsCount() == 1 || sizeAsFragment < c.maxBytes(), "fragment " + i);
        if (i < sent.size() - 1) {
          // Greedy: the next event would have reached the limit.
          Event next = sent.get(i + 1).getEvents(0);
          assertTrue(r.toBuilder().addEvents(next).build().getSerializedSize() >= c.maxBytes());
        }
      }
    }
    assertEquals(events, reassembled);
    WatchResponse whole = WatchResponse.newBuilder().setHeader(sent.get(0).getHeader())
        .setWatchId(0).addAllEvents(events).build();
    assertEquals(whole.getSerializedSize() >= c.maxBytes() && c.events() > 1, sent.size() > 1);
  }

  @Test
  void noFragmentFlagMeansOneResponse() {
    WatchStreamState state = new WatchStreamState(100);
    state.create(watch("key").setRangeEnd(KeyRange.ZERO).build(), REV);
    List<Event> events = IntStream.range(0, 10).mapToObj(i -> bigPut(i, 100)).toList();
    assertEquals(1, state.deliver(0, 11, events).size());
  }
}
