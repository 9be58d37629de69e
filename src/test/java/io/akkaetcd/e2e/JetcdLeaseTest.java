package io.akkaetcd.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * jetcd's lease client against one member: grant, keep-alive, expiry deleting keys, revoke,
 * time-to-live with keys, and leases surviving a restart. TTLs are the minimum (2 s with etcd's
 * default election settings) so expiry tests stay short.
 */
class JetcdLeaseTest {
  private TestMember member;
  private Client client;
  private KV kv;
  private Lease lease;

  @BeforeEach
  void start() {
    member = TestMember.start();
    connect();
  }

  private void connect() {
    client = Client.builder().endpoints(member.endpoint()).build();
    kv = client.getKVClient();
    lease = client.getLeaseClient();
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    member.close();
  }

  static ByteSequence bs(String s) {
    return ByteSequence.from(s, UTF_8);
  }

  static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  long count(String key) throws Exception {
    return await(kv.get(bs(key))).getCount();
  }

  /** Polls until {@code key} is gone, failing after {@code seconds}. */
  void awaitGone(String key, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (count(key) > 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(key + " still there after " + seconds + " s");
      }
      Thread.sleep(50);
    }
  }

  @Test
  void grantAttachTimeToLiveAndRevokeDeletesKeysInOneRevision() throws Exception {
    long id = await(lease.grant(30)).getID();
    assertTrue(id > 0);
    await(kv.put(bs("l/a"), bs("1"), PutOption.builder().withLeaseId(id).build()));
    await(kv.put(bs("l/b"), bs("2"), PutOption.builder().withLeaseId(id).build()));
    LeaseTimeToLiveResponse ttl = await(lease.timeToLive(id, LeaseOption.builder().withAttachedKeys().build()));
    assertEquals(30, ttl.getGrantedTTL());
    assertTrue(ttl.getTTL() > 25 && ttl.getTTL() <= 30, "ttl " + ttl.getTTL());
    assertEquals(List.of("l/a", "l/b"), ttl.getKeys().stream().map(k -> k.toString(UTF_8)).toList());

    long before = await(kv.get(bs("l/a"))).getHeader().getRevision();
    await(lease.revoke(id));
    var after = await(kv.get(bs("l/"), io.etcd.jetcd.options.GetOption.builder().isPrefix(true).build()));
    assertEquals(0, after.getCount());
    assertEquals(before + 1, after.getHeader().getRevision(), "both keys deleted in one revision");
    assertEquals(-1, await(lease.timeToLive(id, LeaseOption.DEFAULT)).getTTL());
    assertNotFound(lease.revoke(id));
    assertNotFound(kv.put(bs("l/c"), bs("3"), PutOption.builder().withLeaseId(id).build()));
  }

  static void assertNotFound(CompletableFuture<?> f) throws Exception {
    try {
      f.get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected NOT_FOUND");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      while (cause != null && !(cause instanceof StatusRuntimeException)) {
        cause = cause.getCause();
      }
      assertTrue(cause != null, String.valueOf(e));
      Status status = ((StatusRuntimeException) cause).getStatus();
      assertEquals(Status.Code.NOT_FOUND, status.getCode());
      assertEquals("etcdserver: requested lease not found", status.getDescription());
    }
  }

  @Test
  void expiryDeletesKeysAndKeepAliveHoldsThem() throws Exception {
    long doomed = await(lease.grant(2)).getID();
    long kept = await(lease.grant(2)).getID();
    await(kv.put(bs("exp/doomed"), bs("x"), PutOption.builder().withLeaseId(doomed).build()));
    await(kv.put(bs("exp/kept"), bs("y"), PutOption.builder().withLeaseId(kept).build()));
    LinkedBlockingQueue<LeaseKeepAliveResponse> acks = new LinkedBlockingQueue<>();
    try (CloseableClient keepAlive = lease.keepAlive(kept, new StreamObserver<>() {
      @Override
      public void onNext(LeaseKeepAliveResponse value) {
        acks.add(value);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    })) {
      LeaseKeepAliveResponse first = acks.poll(10, TimeUnit.SECONDS);
      assertEquals(2, first.getTTL());
      awaitGone("exp/doomed", 8);
      assertEquals(1, count("exp/kept"), "kept alive");
    }
    assertEquals(0L, (long) await(lease.keepAliveOnce(doomed).handle((r, t) -> t == null ? r.getTTL() : 0L)));
  }

  @Test
  void leaseSurvivesRestartWithItsKeys() throws Exception {
    long id = await(lease.grant(60)).getID();
    await(kv.put(bs("r/k"), bs("v"), PutOption.builder().withLeaseId(id).build()));
    client.close();
    member.restart();
    connect();
    LeaseTimeToLiveResponse ttl = await(lease.timeToLive(id, LeaseOption.builder().withAttachedKeys().build()));
    assertEquals(60, ttl.getGrantedTTL());
    assertTrue(ttl.getTTL() >= 59, "restart refreshes the TTL: " + ttl.getTTL());
    assertEquals(List.of("r/k"), ttl.getKeys().stream().map(k -> k.toString(UTF_8)).toList());
    await(lease.revoke(id));
    assertEquals(0, count("r/k"));
  }
}
