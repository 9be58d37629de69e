package io.akkaetcd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.AskPattern;
import akka.persistence.testkit.PersistenceTestKitPlugin;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import com.google.protobuf.ByteString;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.PutResponse;
import io.akkaetcd.cluster.SnapshotTransferSettings;
import io.akkaetcd.metrics.Histogram;
import io.akkaetcd.mvcc.Backend;
import io.akkaetcd.mvcc.InMemoryBackend;
import io.akkaetcd.mvcc.WriteBatch;
import io.akkaetcd.cluster.RaftActor;
import io.akkaetcd.raft.Configuration;
import io.akkaetcd.raft.RaftConfig;
import io.akkaetcd.server.watch.WatchSettings;
import io.akkaetcd.store.MemberDirectory;
import io.akkaetcd.store.PendingRequests;
import io.akkaetcd.store.StoreState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A member whose store cannot write its backend, or whose WAL journal fails a write, fail-stops (as
 * etcd exits on an apply or WAL error): the guardian calls its {@link FailStop} naming what failed,
 * and the write that hit the failure is never answered with success. The journal is Akka's
 * persistence testkit, which injects the failure.
 */
class MemberFailStopTest {
  private static final long ID = 1;

  private final ActorTestKit testKit = ActorTestKit.create(
      PersistenceTestKitPlugin.getInstance().config().withFallback(ConfigFactory.load()));
  private final FailingBackend backend = new FailingBackend();

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  /** An in-memory backend whose writes fail, once armed, as a disk that went away would. */
  static final class FailingBackend implements Backend {
    private final InMemoryBackend delegate = new InMemoryBackend();
    volatile boolean failWrites;

    @Override
    public byte[] get(byte[] key) {
      return delegate.get(key);
    }

    @Override
    public void scan(byte[] from, byte[] to, BiConsumer<byte[], byte[]> visitor) {
      delegate.scan(from, to, visitor);
    }

    @Override
    public PointInTime openPointInTime() {
      return delegate.openPointInTime();
    }

    @Override
    public void write(WriteBatch batch, boolean sync) {
      if (failWrites) {
        throw new UncheckedIOException(new IOException("injected: input/output error"));
      }
      delegate.write(batch, sync);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  private static InternalRaftRequest put(String key) {
    return InternalRaftRequest.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8("v"))).build();
  }

  private final CompletableFuture<String> failStopped = new CompletableFuture<>();

  /** A brand-new single-member member under its guardian, over {@link #backend}; elected and serving. */
  private StoreClient startMember() throws Exception {
    Configuration single = new Configuration(new TreeSet<>(java.util.List.of(ID)), new TreeSet<>());
    RaftActor.Start raftStart = new RaftActor.Start(new RaftConfig(ID, 10, 1, true, true, 256, 256, 1L << 20), single);
    MemberDirectory directory = new MemberDirectory();
    StoreState state = new StoreState(backend, null, 7, ID, directory);
    PendingRequests pending = new PendingRequests(ID, 1);
    MemberGuardian.Parts parts = new MemberGuardian.Parts(state, pending, raftStart, null, ID, Map.of(), directory,
        Duration.ofMillis(10), 10_000, 100, Histogram.walFsync(new io.prometheus.metrics.model.registry.PrometheusRegistry()),
        new WatchSettings(Duration.ofMinutes(10), 1024, 2 << 20), Duration.ofSeconds(2), Duration.ofMillis(500),
        (what, cause) -> failStopped.complete(what + ": " + cause.getMessage()),
        java.nio.file.Files.createTempDirectory("akka-etcd-failstop").resolve("kv"), new SnapshotTransferSettings(1 << 20, 4, Duration.ofSeconds(10), Duration.ofSeconds(60)),
        7, java.util.Set.of(ID), new io.akkaetcd.metrics.PeerMetrics(new io.prometheus.metrics.model.registry.PrometheusRegistry(), ID),
        new io.akkaetcd.server.watch.WatchGauges(), () -> {});
    ActorRef<MemberGuardian.Command> guardian = testKit.spawn(MemberGuardian.create(parts), "member");
    MemberGuardian.Started started = AskPattern.<MemberGuardian.Command, MemberGuardian.Started>ask(guardian,
        MemberGuardian.GetStarted::new, Duration.ofSeconds(5), testKit.scheduler()).toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    // The member works: it elects itself and a write is answered once applied.
    PutResponse first = retryUntilLeader(started.storeClient());
    assertTrue(first.getHeader().getRevision() >= 2);
    return started.storeClient();
  }

  @Test
  void aBackendWriteFailureFailStopsTheMemberWithoutAnsweringTheWrite() throws Exception {
    StoreClient client = startMember();
    backend.failWrites = true;
    CompletableFuture<PutResponse> second = client.<PutResponse>propose(put("b")).toCompletableFuture();
    String what = failStopped.get(10, TimeUnit.SECONDS);
    assertTrue(what.startsWith("the store actor"), what);
    assertTrue(what.contains("input/output error"), what);
    ExecutionException failure = assertThrows(ExecutionException.class, () -> second.get(10, TimeUnit.SECONDS));
    assertEquals("etcdserver: request timed out", failure.getCause().getMessage());
  }

  @Test
  void aWalWriteFailureFailStopsTheMemberWithoutAnsweringTheWrite() throws Exception {
    StoreClient client = startMember();
    // The journal's next write fails, as a disk that went away would: the WAL actor stops.
    PersistenceTestKit.create(Adapter.toClassic(testKit.system())).failNextPersisted();
    CompletableFuture<PutResponse> second = client.<PutResponse>propose(put("b")).toCompletableFuture();
    String what = failStopped.get(10, TimeUnit.SECONDS);
    assertTrue(what.startsWith("the WAL actor"), what);
    ExecutionException failure = assertThrows(ExecutionException.class, () -> second.get(10, TimeUnit.SECONDS));
    assertEquals("etcdserver: request timed out", failure.getCause().getMessage());
  }

  /** Until the single member has elected itself, a proposal fails with "no leader"; then it succeeds. */
  private static PutResponse retryUntilLeader(StoreClient client) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        return client.<PutResponse>propose(put("a")).toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }
}
