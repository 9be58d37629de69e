package io.akkaetcd.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.akkaetcd.api.Event;
import io.akkaetcd.api.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HistorySlicesTest {

  private static Event put(String key, long rev) {
    return Event.newBuilder().setKv(KeyValue.newBuilder().setKey(ByteString.copyFromUtf8(key)).setModRevision(rev))
        .build();
  }

  /** Against a plain filter, over random histories (several events per revision), ranges and revisions. */
  @Test
  void sliceIsTheRangesEventsFromTheRevisionOn() {
    SplittableRandom r = new SplittableRandom(7);
    List<KeyRange> ranges = List.of(KeyRange.prefix(ByteString.copyFromUtf8("a")),
        KeyRange.single(ByteString.copyFromUtf8("b1")), KeyRange.fromKey(ByteString.copyFromUtf8("b")), KeyRange.all());
    for (int round = 0; round < 200; round++) {
      List<Event> events = new ArrayList<>();
      long rev = 1 + r.nextInt(5);
      int n = r.nextInt(40);
      for (int i = 0; i < n; i++) {
        rev += r.nextInt(3) == 0 ? 0 : 1;
        events.add(put((r.nextBoolean() ? "a" : "b") + r.nextInt(3), rev));
      }
      HistorySlices slices = new HistorySlices(events);
      for (int probe = 0; probe < 10; probe++) {
        KeyRange range = ranges.get(r.nextInt(ranges.size()));
        long from = r.nextLong(rev + 2);
        List<Event> expected = events.stream()
            .filter(e -> e.getKv().getModRevision() >= from && range.contains(e.getKv().getKey())).toList();
        assertEquals(expected, slices.slice(range, from), () -> range + " from " + from);
      }
    }
  }
}
