package io.akkaetcd.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** jetcd's watch client against one member: history then live, prev_kv, filters, compaction, progress. */
class JetcdWatchTest {
  private static TestMember member;
  private static Client client;
  private static KV kv;
  private static Watch watch;

  @BeforeAll
  static void start() {
    member = TestMember.start(Map.of("akka-etcd.watch-progress-notify-interval", "300ms"));
    client = Client.builder().endpoints(member.endpoint()).build();
    kv = client.getKVClient();
    watch = client.getWatchClient();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    member.close();
  }

  static ByteSequence bs(String s) {
    return ByteSequence.from(s, UTF_8);
  }

  static long put(String k, String v) throws Exception {
    return kv.put(bs(k), bs(v)).get(10, TimeUnit.SECONDS).getHeader().getRevision();
  }

  /** Collects events (and errors) of one watch. */
  static final class Recorder {
    final BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
    final BlockingQueue<WatchResponse> responses = new LinkedBlockingQueue<>();
    final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();

    Watch.Listener listener() {
      return Watch.listener(r -> {
        responses.add(r);
        events.addAll(r.getEvents());
      }, errors::add);
    }

    List<WatchEvent> take(int n) throws InterruptedException {
      List<WatchEvent> out = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (out.size() < n) {
        WatchEvent e = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (e == null) {
          throw new AssertionError("got only " + out.size() + " of " + n + " events: " + out);
        }
        out.add(e);
      }
      return out;
    }
  }

  static String describe(WatchEvent e) {
    return e.getEventType() + " " + e.getKeyValue().getKey().toString(UTF_8) + "="
        + e.getKeyValue().getValue().toString(UTF_8) + "@" + e.getKeyValue().getModRevision();
  }

  @Test
  void prefixWatchFromHistoryThenLiveWithoutGapOrDuplicate() throws Exception {
    long first = put("hist/a", "1");
    put("hist/b", "2");
    put("other", "x");
    kv.delete(bs("hist/a")).get(10, TimeUnit.SECONDS);
    Recorder r = new Recorder();
    try (Watch.Watcher w = watch.watch(bs("hist/"),
        WatchOption.builder().isPrefix(true).withRevision(first).build(), r.listener())) {
      // writes racing the catch-up: none may be lost or doubled
      for (int i = 0; i < 50; i++) {
        put("hist/live" + i, "v" + i);
      }
      List<WatchEvent> got = r.take(53);
      assertEquals("PUT hist/a=1@" + first, describe(got.get(0)));
      assertEquals("PUT hist/b=2@" + (first + 1), describe(got.get(1)));
      assertEquals(WatchEvent.EventType.DELETE, got.get(2).getEventType());
      long last = 0;
      for (WatchEvent e : got) {
        assertTrue(e.getKeyValue().getModRevision() > last, "revisions increase: " + got);
        last = e.getKeyValue().getModRevision();
      }
      assertEquals("PUT hist/live49=v49@" + last, describe(got.get(52)));
      Thread.sleep(200);
      assertTrue(r.events.isEmpty(), "no duplicates: " + r.events);
    }
  }

  @Test
  void prevKvAndFilters() throws Exception {
    put("pk", "old");
    Recorder all = new Recorder();
    Recorder noPut = new Recorder();
    Recorder noDelete = new Recorder();
    try (Watch.Watcher w1 = watch.watch(bs("pk"), WatchOption.builder().withPrevKV(true).build(), all.listener());
        Watch.Watcher w2 = watch.watch(bs("pk"), WatchOption.builder().withNoPut(true).build(), noPut.listener());
        Watch.Watcher w3 = watch.watch(bs("pk"), WatchOption.builder().withNoDelete(true).build(), noDelete.listener())) {
      Thread.sleep(300); // let the creates land before writing (start revision 0 means "from now")
      put("pk", "new");
      kv.delete(bs("pk")).get(10, TimeUnit.SECONDS);
      List<WatchEvent> got = all.take(2);
      assertEquals("old", got.get(0).getPrevKV().getValue().toString(UTF_8));
      assertEquals("new", got.get(1).getPrevKV().getValue().toString(UTF_8));
      assertEquals(WatchEvent.EventType.DELETE, noPut.take(1).get(0).getEventType());
      assertEquals("PUT pk=new", describe(noDelete.take(1).get(0)).replaceAll("@\\d+", ""));
      Thread.sleep(200);
      assertTrue(noPut.events.isEmpty() && noDelete.events.isEmpty());
    }
  }

  @Test
  void watchAtCompactedRevisionIsCanceled() throws Exception {
    long rev = put("cmp", "1");
    put("cmp", "2");
    long now = put("cmp", "3");
    kv.compact(now).get(10, TimeUnit.SECONDS);
    Recorder r = new Recorder();
    try (Watch.Watcher w = watch.watch(bs("cmp"), WatchOption.builder().withRevision(rev).build(), r.listener())) {
      Throwable error = r.errors.poll(10, TimeUnit.SECONDS);
      assertNotNull(error, "compacted watch fails");
      assertTrue(String.valueOf(error).contains("compacted"), String.valueOf(error));
    }
  }

  @Test
  void progressNotifyAndProgressRequest() throws Exception {
    long rev = put("prog", "1");
    Recorder r = new Recorder();
    try (Watch.Watcher w = watch.watch(bs("prog-none"),
        WatchOption.builder().withProgressNotify(true).build(), r.listener())) {
      WatchResponse progress = r.responses.poll(10, TimeUnit.SECONDS);
      assertNotNull(progress, "periodic progress notification");
      assertTrue(progress.isProgressNotify());
      assertTrue(progress.getHeader().getRevision() >= rev);
    }
    Recorder q = new Recorder();
    try (Watch.Watcher w = watch.watch(bs("prog-none2"), WatchOption.DEFAULT, q.listener())) {
      Thread.sleep(200);
      long now = put("prog", "2");
      watch.requestProgress();
      WatchResponse progress = q.responses.poll(10, TimeUnit.SECONDS);
      assertNotNull(progress, "requested progress");
      assertTrue(progress.isProgressNotify());
      assertEquals(now, progress.getHeader().getRevision());
    }
  }
}
