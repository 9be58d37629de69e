package io.akkaetcd.server.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.stream.BoundedSourceQueue;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import com.google.protobuf.ByteString;
import io.akkaetcd.api.Event;
import io.akkaetcd.api.KeyValue;
import io.akkaetcd.api.ResponseHeader;
import io.akkaetcd.api.WatchCreateRequest;
import io.akkaetcd.api.WatchResponse;
import io.akkaetcd.store.WatchFeed;
import io.akkaetcd.watch.WatchStreamState;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** One watcher against a probe hub, with time stepped by hand. */
class WatcherActorTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(ManualTime.config());
  private static final ManualTime time = ManualTime.get(testKit.system());
  private static final ResponseHeader HEADER = ResponseHeader.newBuilder().setClusterId(7).setMemberId(9).build();
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** A client that reads only when told to, so the queue fills as a slow client's does. */
  static final class SlowClient implements org.reactivestreams.Subscriber<WatchResponse> {
    private volatile org.reactivestreams.Subscription subscription;
    final java.util.concurrent.CountDownLatch subscribed = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.LinkedBlockingQueue<WatchResponse> read = new java.util.concurrent.LinkedBlockingQueue<>();
    final java.util.concurrent.CompletableFuture<Void> ended = new java.util.concurrent.CompletableFuture<>();

    @Override
    public void onSubscribe(org.reactivestreams.Subscription s) {
      subscription = s;
      subscribed.countDown();
    }

    @Override
    public void onNext(WatchResponse response) {
      read.add(response);
    }

    @Override
    public void onError(Throwable t) {
      ended.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      ended.complete(null);
    }

    /** Reads {@code n} responses, waiting for each. */
    List<WatchResponse> read(int n) throws Exception {
      subscribed.await(5, TimeUnit.SECONDS);
      subscription.request(n);
      List<WatchResponse> out = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        WatchResponse r = read.poll(5, TimeUnit.SECONDS);
        org.junit.jupiter.api.Assertions.assertNotNull(r, "response " + i + " of " + n);
        out.add(r);
      }
      return out;
    }
  }

  private static BoundedSourceQueue<WatchResponse> queue(int capacity, SlowClient client) {
    return Source.<WatchResponse>queue(capacity).to(Sink.fromSubscriber(client))
        .run(Materializer.matFromSystem(testKit.system()));
  }

  private final TestProbe<WatchFeed> hub = testKit.createTestProbe();
  private final TestProbe<WatchStreamActor.Command> stream = testKit.createTestProbe();

  private static WatchStreamState.Watch watch(boolean progressNotify) {
    WatchStreamState state = new WatchStreamState(1 << 20);
    WatchStreamState.CreateOutcome created = state.create(WatchCreateRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8("k")).setProgressNotify(progressNotify).build(), 1);
    return ((WatchStreamState.Created) created).watch().copy();
  }

  private ActorRef<WatcherActor.Command> spawn(WatchStreamState.Watch watch, BoundedSourceQueue<WatchResponse> queue,
      int streamBuffer) {
    WatchContext context = new WatchContext(hub.ref(), new WatchSettings(PROGRESS_EVERY, streamBuffer, 1 << 20));
    return testKit.spawn(WatcherActor.create(watch, queue, stream.ref(), context));
  }

  private static WatcherActor.Deliver deliver(long generation, long rev) {
    Event put = Event.newBuilder().setKv(KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("k"))
        .setModRevision(rev)).build();
    return new WatcherActor.Deliver(generation, List.of(new WatcherActor.Batch(rev, List.of(put))), HEADER);
  }

  @Test
  void aQuietWatchAsksForProgressOncePerInterval() throws Exception {
    SlowClient client = new SlowClient();
    BoundedSourceQueue<WatchResponse> queue = queue(64, client);
    spawn(watch(true), queue, 16);
    WatchHub.Register register = (WatchHub.Register) hub.receiveMessage();
    assertEquals(2, register.nextRevision());

    time.expectNoMessageFor(PROGRESS_EVERY.minusMillis(1), hub);
    time.timePasses(Duration.ofMillis(1));
    WatchHub.RequestProgress asked = (WatchHub.RequestProgress) hub.receiveMessage();
    asked.watcher().tell(new WatcherActor.Progress(asked.generation(), 5, HEADER));
    // A watch that was sent events since the last tick gets no notification at the next one.
    asked.watcher().tell(deliver(asked.generation(), 6));
    time.timePasses(PROGRESS_EVERY);
    hub.expectNoMessage(Duration.ofMillis(100));
    List<WatchResponse> sent = client.read(2);
    assertEquals(5, sent.get(0).getHeader().getRevision(), "the progress notification");
    assertEquals(0, sent.get(0).getEventsCount());
    assertEquals(7, sent.get(0).getHeader().getClusterId(), "stamped with the hub's header");
    assertEquals(6, sent.get(1).getEvents(0).getKv().getModRevision(), "then the event");
    assertEquals(0, queue.size(), "nothing else");
  }

  @Test
  void aWatchWhoseQueueIsFullFallsBehindAndRegistersAgainOnceDrained() throws Exception {
    SlowClient client = new SlowClient();
    BoundedSourceQueue<WatchResponse> queue = queue(64, client);
    ActorRef<WatcherActor.Command> watcher = spawn(watch(false), queue, 16);
    WatchHub.Register first = (WatchHub.Register) hub.receiveMessage();
    for (long rev = 2; rev <= 18; rev++) {
      watcher.tell(deliver(first.generation(), rev)); // the stream holds 16: revision 18 does not fit
    }
    assertInstanceOf(WatchHub.Unregister.class, hub.receiveMessage());
    time.timePasses(Duration.ofMillis(100));
    hub.expectNoMessage(Duration.ofMillis(100)); // the client has not read anything: keep waiting
    client.read(16); // the client reads what the queue holds
    time.timePasses(Duration.ofMillis(100));
    WatchHub.Register again = (WatchHub.Register) hub.receiveMessage();
    assertEquals(18, again.nextRevision(), "from the first revision it could not send");
    assertTrue(again.generation() > first.generation(), "a fresh generation: nothing of the old one is taken");
  }

  @Test
  void aResponseTheQueueRefusesFailsTheStreamInsteadOfVanishing() throws Exception {
    // The stream's queue is shared by its watchers; here others have filled it past this watch's view.
    SlowClient client = new SlowClient();
    BoundedSourceQueue<WatchResponse> queue = queue(1, client);
    ActorRef<WatcherActor.Command> watcher = spawn(watch(false), queue, 16);
    WatchHub.Register first = (WatchHub.Register) hub.receiveMessage();
    assertEquals(akka.stream.QueueOfferResult.enqueued(), queue.offer(WatchResponse.getDefaultInstance()));
    watcher.tell(deliver(first.generation(), 2));
    TestProbe<Void> watching = testKit.createTestProbe();
    watching.expectTerminated(watcher, Duration.ofSeconds(5));
    ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> client.ended.get(5, TimeUnit.SECONDS));
    assertInstanceOf(StatusRuntimeException.class, failed.getCause());
    assertEquals("RESOURCE_EXHAUSTED: etcdserver: too many requests", failed.getCause().getMessage());
  }
}
