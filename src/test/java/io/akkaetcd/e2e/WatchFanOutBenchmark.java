package io.akkaetcd.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watch fan-out: events per second delivered to {@code watchers} watchers of one prefix (spread over
 * {@code streams} clients, one gRPC watch stream each) while {@code writers} concurrent puts run for
 * {@code seconds}. Not a test: run by hand, against a member it starts ("ours") or an endpoint.
 *
 * <pre>
 *   mvn -o -q test-compile exec:java ... or: java -cp target/classes:target/test-classes:$(cat cp.txt) \
 *       io.akkaetcd.e2e.WatchFanOutBenchmark ours|http://127.0.0.1:2379 1000 10 100 10
 * </pre>
 */
public final class WatchFanOutBenchmark {
  public static void main(String[] args) throws Exception {
    String target = args.length > 0 ? args[0] : "ours";
    int watchers = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int streams = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int writers = args.length > 3 ? Integer.parseInt(args[3]) : 100;
    int seconds = args.length > 4 ? Integer.parseInt(args[4]) : 10;
    TestMember member = target.equals("ours") ? TestMember.start() : null;
    String endpoint = member != null ? member.endpoint() : target;
    List<Client> clients = new ArrayList<>();
    AtomicLong delivered = new AtomicLong();
    try {
      ByteSequence prefix = ByteSequence.from("bench/", UTF_8);
      for (int s = 0; s < streams; s++) {
        Client c = Client.builder().endpoints(endpoint).build();
        clients.add(c);
        for (int w = 0; w < watchers / streams; w++) {
          c.getWatchClient().watch(prefix, WatchOption.builder().isPrefix(true).build(),
              Watch.listener(r -> delivered.addAndGet(r.getEvents().size())));
        }
      }
      Thread.sleep(2000); // let every create land
      Client writer = Client.builder().endpoints(endpoint).build();
      clients.add(writer);
      Semaphore inFlight = new Semaphore(writers);
      AtomicLong puts = new AtomicLong();
      ByteSequence value = ByteSequence.from(new byte[256]);
      long start = System.nanoTime();
      long before = delivered.get();
      long end = start + TimeUnit.SECONDS.toNanos(seconds);
      int i = 0;
      while (System.nanoTime() < end) {
        inFlight.acquire();
        CompletableFuture<?> f = writer.getKVClient().put(ByteSequence.from("bench/" + (i++ % 1000), UTF_8), value);
        f.whenComplete((r, t) -> {
          puts.incrementAndGet();
          inFlight.release();
        });
      }
      inFlight.acquire(writers);
      double elapsed = (System.nanoTime() - start) / 1e9;
      long got = delivered.get() - before;
      Thread.sleep(3000); // what was still in flight
      long late = delivered.get() - before;
      System.out.printf("target=%s watchers=%d streams=%d writers=%d: puts %.0f/s, events delivered "
              + "%.0f/s during the run (%.0f/s counting 3 s of drain), %d of %d expected%n",
          target, watchers, streams, writers, puts.get() / elapsed, got / elapsed, late / (elapsed + 3),
          late, puts.get() * (watchers / streams * streams));
    } finally {
      for (Client c : clients) {
        c.close();
      }
      if (member != null) {
        member.close();
      }
    }
    System.exit(0);
  }
}
