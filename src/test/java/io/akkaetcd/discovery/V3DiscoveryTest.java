package io.akkaetcd.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** etcd 3.6's v3discovery rules over an in-memory discovery cluster (keys with create revisions, watches). */
class V3DiscoveryTest {
  private static final String TOKEN = "tok";
  private static final String SIZE = "/_etcd/registry/tok/_config/size";

  /** A tiny etcd: keys with create revisions, a revision counter, watches that see every later put. */
  static final class Registry implements V3Discovery.Registry {
    private final TreeMap<String, V3Discovery.Entry> keys = new TreeMap<>();
    private final List<V3Discovery.Entry> history = new ArrayList<>();
    private long revision;
    int failuresLeft;

    synchronized void set(String key, String value) {
      revision++;
      V3Discovery.Entry old = keys.get(key);
      V3Discovery.Entry e = new V3Discovery.Entry(key, value, old == null ? revision : old.createRevision());
      keys.put(key, e);
      history.add(e);
      notifyAll();
    }

    private synchronized void maybeFail() throws V3Discovery.Unavailable {
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new V3Discovery.Unavailable("rpc error: code = Unavailable desc = connection refused");
      }
    }

    @Override
    public synchronized Optional<String> get(String key) throws V3Discovery.Unavailable {
      maybeFail();
      return Optional.ofNullable(keys.get(key)).map(V3Discovery.Entry::value);
    }

    @Override
    public synchronized V3Discovery.Listing getPrefix(String prefix) throws V3Discovery.Unavailable {
      maybeFail();
      List<V3Discovery.Entry> out = new ArrayList<>();
      for (V3Discovery.Entry e : keys.tailMap(prefix).values()) {
        if (e.key().startsWith(prefix)) out.add(e);
      }
      return new V3Discovery.Listing(out, revision);
    }

    @Override
    public void put(String key, String value) throws V3Discovery.Unavailable {
      maybeFail();
      set(key, value);
    }

    @Override
    public V3Discovery.Watch watch(String prefix, long fromRevision) {
      return new V3Discovery.Watch() {
        int next = (int) fromRevision - 1; // history[i] is revision i + 1

        @Override
        public List<V3Discovery.Entry> next() throws InterruptedException {
          synchronized (Registry.this) {
            while (history.size() <= next) Registry.this.wait();
            List<V3Discovery.Entry> out = new ArrayList<>();
            for (; next < history.size(); next++) {
              if (history.get(next).key().startsWith(prefix)) out.add(history.get(next));
            }
            return out;
          }
        }

        @Override
        public void close() {}
      };
    }
  }

  private static String join(Registry r, long id, String self, List<Duration> waits) throws Exception {
    return V3Discovery.joinCluster(r, TOKEN, id, self, waits::add);
  }

  @Test
  void membersWaitForTheSizeThenAllGetTheFirstSizeByCreateRevision() throws Exception {
    Registry r = new Registry();
    r.set(SIZE, "3");
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<CompletableFuture<String>> joins = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        long id = 0xa0 + i;
        String self = "infra" + i + "=http://127.0.0.1:" + (2380 + i);
        joins.add(CompletableFuture.supplyAsync(() -> {
          try {
            return join(r, id, self, new ArrayList<>());
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, pool));
      }
      List<String> clusters = new ArrayList<>();
      for (CompletableFuture<String> j : joins) clusters.add(j.get(20, TimeUnit.SECONDS));
      // one cluster for all three, in registration (create revision) order
      assertEquals(1, clusters.stream().distinct().count(), clusters.toString());
      List<String> byCreation = r.getPrefix("/_etcd/registry/tok/members/").entries().stream()
          .sorted(java.util.Comparator.comparingLong(V3Discovery.Entry::createRevision)).map(V3Discovery.Entry::value).toList();
      assertEquals(String.join(",", byCreation), clusters.get(0));
      assertEquals(List.of("/_etcd/registry/tok/members/a0", "/_etcd/registry/tok/members/a1",
          "/_etcd/registry/tok/members/a2"), List.copyOf(r.keys.subMap("/_etcd/registry/tok/members/", "/_etcd/registry/tok/members0").keySet()));
    } finally {
      pool.shutdownNow();
    }

    // a fourth member finds the cluster full before registering
    DiscoveryException full = assertThrows(DiscoveryException.class, () -> join(r, 0xff, "late=http://127.0.0.1:2399", List.of()));
    assertEquals(V3Discovery.ERR_FULL_CLUSTER, full.getMessage());
    assertEquals(Optional.empty(), r.get("/_etcd/registry/tok/members/ff"));
  }

  @Test
  void aMemberThatRegisteredBeyondTheSizeFindsTheClusterFull() throws Exception {
    Registry r = new Registry();
    r.set(SIZE, "1");
    // two registered at once: the earlier create revision is the cluster, the later one is refused
    r.set("/_etcd/registry/tok/members/1", "first=http://127.0.0.1:2380");
    assertEquals("first=http://127.0.0.1:2380", join(r, 1, "first=http://127.0.0.1:2380", List.of()));
    DiscoveryException e = assertThrows(DiscoveryException.class, () -> join(r, 2, "second=http://127.0.0.1:2381", List.of()));
    assertEquals(V3Discovery.ERR_FULL_CLUSTER, e.getMessage());
  }

  @Test
  void aMissingOrBadSizeKeyEndsDiscoveryAtOnce() {
    Registry r = new Registry();
    List<Duration> waits = new ArrayList<>();
    DiscoveryException e = assertThrows(DiscoveryException.class, () -> join(r, 1, "a=http://127.0.0.1:2380", waits));
    assertEquals(V3Discovery.ERR_SIZE_NOT_FOUND, e.getMessage());
    for (String bad : List.of("0", "-1", "three", " 3", "")) {
      r.set(SIZE, bad);
      e = assertThrows(DiscoveryException.class, () -> join(r, 1, "a=http://127.0.0.1:2380", waits));
      assertEquals(V3Discovery.ERR_BAD_SIZE_KEY, e.getMessage(), bad);
    }
    assertEquals(List.of(), waits, "no retries");
  }

  @Test
  void failedRequestsAreRetriedWithEtcdsBackoff() throws Exception {
    Registry r = new Registry();
    r.set(SIZE, "1");
    r.failuresLeft = 10;
    List<Duration> waits = new ArrayList<>();
    assertEquals("a=http://127.0.0.1:2380", join(r, 1, "a=http://127.0.0.1:2380", waits));
    List<Duration> expected = new ArrayList<>();
    for (int i = 1; i <= 10; i++) expected.add(Duration.ofSeconds(1L << Math.min(i, 8)));
    assertEquals(expected, waits);
  }

  @Test
  void malformedRegistrationsAreSkipped() throws Exception {
    Registry r = new Registry();
    r.set(SIZE, "1");
    r.set("/_etcd/registry/tok/members/bad", "no-equals-sign");
    assertEquals("a=http://127.0.0.1:2380", join(r, 1, "a=http://127.0.0.1:2380", List.of()));
  }

  @Test
  void keysFollowPathJoin() {
    assertEquals("/_etcd/registry/a/b/_config/size", V3Discovery.sizeKey("a//b/"));
    assertEquals("/_etcd/registry/tok/members/12ab", V3Discovery.memberKey("tok", "12ab"));
  }
}
