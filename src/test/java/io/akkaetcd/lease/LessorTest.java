package io.akkaetcd.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.errors.EtcdException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Time is a hand-driven {@code now} in millis; nothing here reads a clock. */
class LessorTest {
  private static final LessorConfig CONFIG = LessorConfig.defaults(); // min TTL 2 s, retry 3 s

  private static ByteString key(String latin1) {
    return ByteString.copyFrom(latin1, StandardCharsets.ISO_8859_1);
  }

  private static Lessor leader(long now) {
    Lessor lessor = new Lessor(CONFIG, new SplittableRandom(7));
    lessor.promote(now, 0);
    return lessor;
  }

  private static void assertError(EtcdError expected, Executable call) {
    assertEquals(expected, assertThrows(EtcdException.class, call).error());
  }

  record TicksCase(int electionTicks, long heartbeatMillis, long minTtlSeconds) {}

  static Stream<TicksCase> minTtls() {
    return Stream.of(
        new TicksCase(10, 100, 2), // etcd defaults: 1.5 s rounds up to 2
        new TicksCase(5, 100, 1), // (15 / 2) * 100 ms = 700 ms
        new TicksCase(11, 100, 2), // (33 / 2) * 100 ms = 1.6 s
        new TicksCase(10, 1000, 15),
        new TicksCase(1, 1, 1));
  }

  @ParameterizedTest
  @MethodSource("minTtls")
  void minimumTtlFromElectionTimeout(TicksCase c) {
    assertEquals(c.minTtlSeconds(),
        LessorConfig.minLeaseTtlSeconds(c.electionTicks(), c.heartbeatMillis()));
  }

  record GrantCase(long requestedTtl, long grantedTtl) {}

  static Stream<GrantCase> grants() {
    return Stream.of(new GrantCase(-5, 2), new GrantCase(0, 2), new GrantCase(1, 2),
        new GrantCase(2, 2), new GrantCase(3, 3), new GrantCase(60, 60),
        new GrantCase(Lessor.MAX_LEASE_TTL_SECONDS, Lessor.MAX_LEASE_TTL_SECONDS));
  }

  @ParameterizedTest
  @MethodSource("grants")
  void grantRaisesTtlToMinimum(GrantCase c) {
    Lessor lessor = leader(0);
    assertEquals(new Lessor.Granted(1, c.grantedTtl()), lessor.grant(1, c.requestedTtl(), 0));
    assertEquals(c.grantedTtl(), lessor.timeToLive(1, 0).grantedTtlSeconds());
  }

  @Test
  void grantErrors() {
    Lessor lessor = leader(0);
    assertError(EtcdError.LEASE_TTL_TOO_LARGE,
        () -> lessor.grant(1, Lessor.MAX_LEASE_TTL_SECONDS + 1, 0));
    lessor.grant(1, 10, 0);
    assertError(EtcdError.LEASE_EXIST, () -> lessor.grant(1, 10, 0));
  }

  @Test
  void idZeroDrawsFreshPositiveIds() {
    Lessor lessor = leader(0);
    Set<Long> ids = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      long id = lessor.grant(0, 10, 0).id();
      assertTrue(id > 0);
      assertTrue(ids.add(id));
    }
    long next = lessor.newLeaseId();
    assertTrue(next > 0 && !lessor.exists(next));
    // The generator is injected: the same seed draws the same ids.
    Lessor a = leader(0);
    Lessor b = leader(0);
    for (int i = 0; i < 10; i++) {
      assertEquals(a.grant(0, 10, 0).id(), b.grant(0, 10, 0).id());
    }
  }

  @Test
  void expiryOrderAndRetryWindow() {
    Lessor lessor = leader(0);
    lessor.grant(10, 10, 0);
    lessor.grant(5, 5, 0);
    lessor.grant(20, 20, 0);
    assertEquals(List.of(5L, 10L, 20L), lessor.leases());

    assertEquals(List.of(), lessor.expired(4_999, 100));
    assertEquals(List.of(5L), lessor.expired(5_000, 100));
    assertTrue(lessor.exists(5), "expiry does not revoke");
    // Reported once; held back for the 3 s retry window while its revoke is in flight.
    assertEquals(List.of(), lessor.expired(5_001, 100));
    assertEquals(List.of(), lessor.expired(7_999, 100));
    assertEquals(List.of(5L), lessor.expired(8_000, 100));
    // At 10 s lease 10 is due; 5 was held until 11 s.
    assertEquals(List.of(10L), lessor.expired(10_000, 100));
    lessor.revoke(5);
    lessor.revoke(10);
    assertEquals(List.of(), lessor.expired(19_999, 100));
    assertEquals(List.of(20L), lessor.expired(20_000, 100));
  }

  @Test
  void expiredRespectsLimitSoonestFirst() {
    Lessor lessor = leader(0);
    for (long id = 1; id <= 5; id++) {
      lessor.grant(id, 10 + id, 0);
    }
    assertEquals(List.of(1L, 2L), lessor.expired(60_000, 2));
    assertEquals(List.of(3L, 4L, 5L), lessor.expired(60_000, 10));
  }

  @Test
  void keepAlivePushesExpiry() {
    Lessor lessor = leader(0);
    lessor.grant(1, 10, 0);
    assertEquals(10, lessor.renew(1, 8_000));
    assertEquals(List.of(), lessor.expired(17_999, 10));
    assertEquals(List.of(1L), lessor.expired(18_000, 10));
    assertThrows(LeaseExpiredException.class, () -> lessor.renew(1, 18_000));
    assertError(EtcdError.LEASE_NOT_FOUND, () -> lessor.renew(99, 0));
  }

  @Test
  void keepAliveUsesFullTtlEvenAfterCheckpoint() {
    Lessor lessor = leader(0);
    lessor.grant(1, 100, 0);
    lessor.checkpoint(1, 30);
    assertEquals(100, lessor.renew(1, 1_000));
    assertEquals(101_000, lessor.expiryMillis(1));
    assertEquals(30, lessor.checkpointedRemainingTtl(1), "the caller proposes the clear");
  }

  @Test
  void revokeReturnsSortedKeysAndForgetsThem() {
    Lessor lessor = leader(0);
    lessor.grant(1, 10, 0);
    lessor.grant(2, 10, 0);
    for (String k : List.of("b", "a", "\u0080", "\u0001")) {
      lessor.attach(1, key(k));
    }
    lessor.attach(2, key("other"));
    assertEquals(1, lessor.leaseOf(key("a")));

    assertEquals(List.of(key("\u0001"), key("a"), key("b"), key("\u0080")), lessor.revoke(1));
    assertFalse(lessor.exists(1));
    assertEquals(Lessor.NO_LEASE, lessor.leaseOf(key("a")));
    assertEquals(2, lessor.leaseOf(key("other")));
    assertError(EtcdError.LEASE_NOT_FOUND, () -> lessor.revoke(1));
    assertEquals(List.of(), lessor.expired(Long.MAX_VALUE - 1, 10).stream()
        .filter(id -> id == 1).toList(), "a revoked lease never expires");
  }

  @Test
  void attachDetach() {
    Lessor lessor = leader(0);
    lessor.grant(1, 10, 0);
    lessor.grant(2, 10, 0);
    assertError(EtcdError.LEASE_NOT_FOUND, () -> lessor.attach(3, key("k")));
    lessor.attach(1, key("k"));
    lessor.attach(2, key("k")); // a put moving the key to another lease
    assertEquals(List.of(), lessor.timeToLive(1, 0).keys());
    assertEquals(List.of(key("k")), lessor.timeToLive(2, 0).keys());
    lessor.detach(1, key("k")); // stale detach leaves the new owner alone
    assertEquals(2, lessor.leaseOf(key("k")));
    lessor.detach(2, key("k"));
    assertEquals(List.of(), lessor.timeToLive(2, 0).keys());
    lessor.detach(3, key("k")); // unknown lease: ignored, as after a revoke
  }

  /** Remaining TTL truncates toward zero, as Go's int64(Remaining().Seconds()). */
  record TtlCase(long nowMillis, long ttl) {}

  static Stream<TtlCase> ttls() {
    return Stream.of(new TtlCase(0, 10), new TtlCase(1, 9), new TtlCase(999, 9),
        new TtlCase(1_000, 9), new TtlCase(1_001, 8), new TtlCase(9_999, 0),
        new TtlCase(10_000, 0), new TtlCase(10_500, 0), new TtlCase(11_000, -1));
  }

  @ParameterizedTest
  @MethodSource("ttls")
  void timeToLiveRounding(TtlCase c) {
    Lessor lessor = leader(0);
    lessor.grant(1, 10, 0);
    lessor.attach(1, key("z"));
    lessor.attach(1, key("y"));
    assertEquals(new TimeToLive(1, c.ttl(), 10, List.of(key("y"), key("z"))),
        lessor.timeToLive(1, c.nowMillis()));
  }

  @Test
  void timeToLiveErrors() {
    Lessor lessor = leader(0);
    assertError(EtcdError.LEASE_NOT_FOUND, () -> lessor.timeToLive(1, 0));
    assertEquals(-1, TimeToLive.notFound(1).ttlSeconds());
    lessor.grant(1, 10, 0);
    lessor.demote();
    assertError(EtcdError.NOT_LEADER, () -> lessor.timeToLive(1, 0));
  }

  @Test
  void followersKeepLeasesButNeverExpireThem() {
    Lessor lessor = new Lessor(CONFIG, new SplittableRandom(1));
    assertFalse(lessor.isPrimary());
    lessor.grant(1, 10, 0);
    assertEquals(Long.MAX_VALUE, lessor.expiryMillis(1));
    assertEquals(List.of(), lessor.expired(Long.MAX_VALUE - 1, 10));
    assertError(EtcdError.NOT_LEADER, () -> lessor.renew(1, 0));
    assertEquals(List.of(1L), lessor.leases());
  }

  @Test
  void promoteRefreshesEveryExpiryWithExtension() {
    Lessor lessor = new Lessor(CONFIG, new SplittableRandom(1));
    lessor.grant(1, 10, 0);
    lessor.grant(2, 30, 0);
    lessor.checkpoint(2, 4); // replicated remaining TTL of lease 2
    lessor.promote(100_000, 1_000);
    assertTrue(lessor.isPrimary());
    assertEquals(111_000, lessor.expiryMillis(1));
    assertEquals(105_000, lessor.expiryMillis(2));
    assertEquals(11, lessor.timeToLive(1, 100_000).ttlSeconds());
    assertEquals(List.of(2L, 1L), lessor.leases());

    lessor.demote();
    assertEquals(Long.MAX_VALUE, lessor.expiryMillis(1));
    assertEquals(List.of(), lessor.expired(Long.MAX_VALUE - 1, 10));
    assertError(EtcdError.NOT_LEADER, () -> lessor.renew(1, 200_000));

    // Leader again much later: a fresh expiry, not the old one.
    lessor.promote(500_000, 1_000);
    assertEquals(511_000, lessor.expiryMillis(1));
    assertEquals(List.of(2L), lessor.expired(510_999, 10));
    assertEquals(List.of(1L), lessor.expired(511_000, 10));
  }

  /**
   * Eight leases of 10 s on a new leader, revoke rate 4 (so at most 3 expiries a second):
   *
   * <pre>
   *   10.000 s  10.000  10.000 | 11.333  11.666  12.000  12.333  12.666
   *   three fit the first second; the rest are pushed back by 1000 * n / 3 ms
   * </pre>
   */
  @Test
  void promoteSpreadsPiledUpExpiries() {
    Lessor lessor = new Lessor(new LessorConfig(2, 3_000, 4), new SplittableRandom(1));
    for (long id = 1; id <= 8; id++) {
      lessor.grant(id, 10, 0);
    }
    lessor.promote(0, 0);
    List<Long> expiries = new ArrayList<>();
    for (long id = 1; id <= 8; id++) {
      expiries.add(lessor.expiryMillis(id));
    }
    assertEquals(List.of(10_000L, 10_000L, 10_000L, 11_333L, 11_666L, 12_000L, 12_333L, 12_666L),
        expiries);
    for (long start : expiries) {
      long inWindow = expiries.stream().filter(e -> e >= start && e < start + 1_000).count();
      assertTrue(inWindow <= 3, "window at " + start);
    }
  }

  @Test
  void promoteBelowRevokeRateDoesNotSpread() {
    Lessor lessor = new Lessor(new LessorConfig(2, 3_000, 10), new SplittableRandom(1));
    for (long id = 1; id <= 8; id++) {
      lessor.grant(id, 10, 0);
    }
    lessor.promote(0, 0);
    for (long id = 1; id <= 8; id++) {
      assertEquals(10_000, lessor.expiryMillis(id));
    }
  }

  @Test
  void exportImportRoundTrip() {
    Lessor source = leader(0);
    source.grant(3, 100, 0);
    source.grant(1, 1, 0); // raised to 2
    source.grant(2, 50, 0);
    source.checkpoint(2, 17);
    source.attach(2, key("k"));
    List<LeaseSnapshot> snapshot = source.exportLeases();
    assertEquals(List.of(new LeaseSnapshot(1, 2, 0), new LeaseSnapshot(2, 50, 17),
        new LeaseSnapshot(3, 100, 0)), snapshot);

    Lessor restored = new Lessor(CONFIG, new SplittableRandom(9));
    restored.grant(99, 10, 0); // replaced by the import
    restored.importLeases(snapshot, 0);
    assertEquals(snapshot, restored.exportLeases());
    assertFalse(restored.exists(99));
    assertEquals(Lessor.NO_LEASE, restored.leaseOf(key("k")), "keys come back from the store");
    assertEquals(Long.MAX_VALUE, restored.expiryMillis(2), "not leader: no expiry");

    restored.attach(2, key("k"));
    restored.promote(1_000, 0);
    assertEquals(18_000, restored.expiryMillis(2), "checkpointed remaining TTL survives");
    assertEquals(101_000, restored.expiryMillis(3));
    assertEquals(List.of(key("k")), restored.revoke(2));
  }

  @Test
  void importRaisesTtlAndRefreshesOnLeader() {
    Lessor lessor = leader(5_000);
    lessor.importLeases(List.of(new LeaseSnapshot(7, 1, 0)), 5_000);
    assertEquals(List.of(new LeaseSnapshot(7, 2, 0)), lessor.exportLeases());
    assertEquals(7_000, lessor.expiryMillis(7));
    assertEquals(List.of(7L), lessor.expired(7_000, 10));
  }

  @Test
  void remainingTtlToCheckpointRoundsUp() {
    Lessor lessor = leader(0);
    lessor.grant(1, 10, 0);
    assertEquals(10, lessor.remainingTtlToCheckpoint(1, 0));
    assertEquals(9, lessor.remainingTtlToCheckpoint(1, 1_000));
    assertEquals(9, lessor.remainingTtlToCheckpoint(1, 1_001));
    assertEquals(1, lessor.remainingTtlToCheckpoint(1, 9_999));
    assertEquals(0, lessor.remainingTtlToCheckpoint(1, 10_000));
    assertEquals(10, lessor.remainingTtlToCheckpoint(1, 500));
  }
}
