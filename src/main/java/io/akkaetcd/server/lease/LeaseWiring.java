package io.akkaetcd.server.lease;

import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.lease.LeaseSnapshot;
import io.akkaetcd.lease.Lessor;
import io.akkaetcd.lease.LessorConfig;
import io.akkaetcd.mvcc.Backend;
import io.akkaetcd.mvcc.LeaseBucket;
import java.security.SecureRandom;
import java.util.List;
import java.util.SplittableRandom;

/** Builds a member's {@link Lessor} from its settings and the leases its backend holds. */
public final class LeaseWiring {
  private LeaseWiring() {}

  /**
   * A lessor with etcd's minimum TTL for the member's election settings, holding every persisted
   * lease (no keys yet: the store attaches them as it opens; no expiries: those start on promotion).
   */
  public static Lessor openLessor(Backend backend, MemberConfig config, long nowMillis) {
    int electionTicks = Math.max(1, config.electionTimeoutMs() / Math.max(1, config.heartbeatIntervalMs()));
    LessorConfig lessorConfig = new LessorConfig(
        LessorConfig.minLeaseTtlSeconds(electionTicks, config.heartbeatIntervalMs()), 3_000, 1_000);
    Lessor lessor = new Lessor(lessorConfig, new SplittableRandom(new SecureRandom().nextLong()));
    List<LeaseSnapshot> persisted = LeaseBucket.load(backend).stream()
        .map(r -> new LeaseSnapshot(r.id(), r.ttlSeconds(), r.remainingTtlSeconds()))
        .toList();
    lessor.importLeases(persisted, nowMillis);
    return lessor;
  }
}
