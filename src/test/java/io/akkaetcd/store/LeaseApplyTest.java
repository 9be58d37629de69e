package io.akkaetcd.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.LeaseGrantRequest;
import io.akkaetcd.api.LeaseGrantResponse;
import io.akkaetcd.api.LeaseRevokeRequest;
import io.akkaetcd.api.LeaseTimeToLiveRequest;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RangeResponse;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.errors.EtcdException;
import io.akkaetcd.lease.LeaseSnapshot;
import io.akkaetcd.lease.Lessor;
import io.akkaetcd.lease.LessorConfig;
import io.akkaetcd.mvcc.InMemoryBackend;
import io.akkaetcd.mvcc.LeaseBucket;
import io.akkaetcd.mvcc.MvccStore;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The replicated lease requests applied as a member applies them, with a hand-driven clock: grant,
 * put with a lease, expiry reported to the leader, revoke deleting keys in one revision, and the
 * lease bucket rebuilding leases (and their keys) after a reopen.
 */
class LeaseApplyTest {
  private final InMemoryBackend backend = new InMemoryBackend();
  private long now = 1_000_000;
  private Applier applier;
  private Lessor lessor;

  @BeforeEach
  void open() {
    lessor = new Lessor(LessorConfig.defaults(), new SplittableRandom(42));
    lessor.importLeases(LeaseBucket.load(backend).stream()
        .map(r -> new LeaseSnapshot(r.id(), r.ttlSeconds(), r.remainingTtlSeconds())).toList(), now);
    MvccStore mvcc = MvccStore.open(backend, lessor);
    lessor.promote(now, 0);
    applier = new Applier(mvcc, 1, 2, new MemberDirectory(), new Alarms(), new LeaseApplier(lessor, mvcc, () -> now));
  }

  static ByteString b(String s) {
    return ByteString.copyFromUtf8(s);
  }

  LeaseGrantResponse grant(long id, long ttl) {
    LeaseGrantResponse r = (LeaseGrantResponse) applier.apply(InternalRaftRequest.newBuilder()
        .setLeaseGrant(LeaseGrantRequest.newBuilder().setID(id).setTTL(ttl)).build());
    applier.mvcc().commit(true);
    return r;
  }

  long put(String key, long lease) {
    var r = applier.apply(InternalRaftRequest.newBuilder()
        .setPut(PutRequest.newBuilder().setKey(b(key)).setValue(b("v")).setLease(lease)).build());
    applier.mvcc().commit(true);
    return ((io.akkaetcd.api.PutResponse) r).getHeader().getRevision();
  }

  void revoke(long id) {
    applier.apply(InternalRaftRequest.newBuilder().setLeaseRevoke(LeaseRevokeRequest.newBuilder().setID(id)).build());
    applier.mvcc().commit(true);
  }

  RangeResponse all() {
    return applier.mvcc().range(RangeRequest.newBuilder().setKey(b("\0")).setRangeEnd(b("\0")).build());
  }

  @Test
  void grantWithChosenIdRaisesTtlToTheMinimumAndRefusesDuplicates() {
    LeaseGrantResponse r = grant(0x1234, 1);
    assertEquals(0x1234, r.getID());
    assertEquals(2, r.getTTL(), "etcd's minimum with default election settings");
    assertEquals(1, r.getHeader().getClusterId());
    EtcdException dup = assertThrows(EtcdException.class, () -> grant(0x1234, 5));
    assertEquals(EtcdError.LEASE_EXIST, dup.error());
  }

  @Test
  void revokeDeletesEveryAttachedKeyInOneRevision() {
    grant(7, 10);
    put("a", 7);
    put("b", 7);
    long before = put("c", 0);
    revoke(7);
    assertEquals(List.of("c"), all().getKvsList().stream().map(kv -> kv.getKey().toStringUtf8()).toList());
    assertEquals(before + 1, applier.mvcc().currentRevision());
    EtcdException gone = assertThrows(EtcdException.class, () -> revoke(7));
    assertEquals(EtcdError.LEASE_NOT_FOUND, gone.error());
  }

  @Test
  void expiryIsReportedOnlyOnceDueAndRenewPushesItBack() {
    grant(7, 10);
    grant(8, 10);
    now += 9_000;
    assertEquals(10, applier.leases().renew(8).getTTL());
    assertEquals(List.of(), applier.leases().expired(10));
    now += 1_000;
    assertEquals(List.of(7L), applier.leases().expired(10));
    assertEquals(0, applier.leases().renew(7).getTTL(), "an expired lease is gone for keep-alives");
    assertEquals(-1, applier.leases().timeToLive(LeaseTimeToLiveRequest.newBuilder().setID(99).build()).getTTL());
  }

  @Test
  void leasesAndTheirKeysSurviveAReopenWithRefreshedTtl() {
    grant(7, 10);
    put("held", 7);
    now += 8_000;
    open();
    var ttl = applier.leases().timeToLive(LeaseTimeToLiveRequest.newBuilder().setID(7).setKeys(true).build());
    assertEquals(10, ttl.getTTL(), "promotion gives the full TTL again");
    assertEquals(List.of(b("held")), ttl.getKeysList());
    revoke(7);
    assertEquals(0, all().getCount());
    open();
    assertEquals(List.of(), lessor.leases());
  }
}
