package io.akkaetcd.lease;

import com.google.protobuf.ByteString;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.mvcc.LeaseHooks;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * etcd's lessor as a pure state machine: no clock (every time-dependent call takes {@code nowMillis}),
 * no threads, no storage. Not thread-safe: one owner (the lease actor) calls it.
 *
 * <p>Two kinds of calls. Replicated ones are applied on every member in log order and must have the
 * same effect everywhere: {@link #grant}, {@link #revoke}, {@link #checkpoint}, {@link #attach},
 * {@link #detach}, {@link #importLeases}. Leader-local ones read or move local expiry times:
 * {@link #renew}, {@link #timeToLive}, {@link #expired}, {@link #promote}, {@link #demote}.
 *
 * <p>Only the leader ("primary") tracks expiries. On other members every lease has expiry
 * {@link Lease#FOREVER}; {@link #promote} gives each lease a fresh expiry of {@code extend} plus its
 * (checkpointed remaining, else full) TTL from now, because the old leader's clock readings mean
 * nothing here, and {@link #demote} sets them back to forever.
 *
 * <p>Expiry never removes a lease by itself: {@link #expired} reports ids, the leader proposes their
 * revoke through Raft, and {@link #revoke} removes them when the entry is applied. A reported lease
 * is not reported again for {@link LessorConfig#expiredLeaseRetryMillis}, so one slow proposal does
 * not become many.
 */
public final class Lessor implements LeaseHooks {
  /** etcd's {@code MaxLeaseTTL}, in seconds. */
  public static final long MAX_LEASE_TTL_SECONDS = 9_000_000_000L;

  /** The id that means "no lease". */
  public static final long NO_LEASE = 0;

  /** A grant's result: the lease's id and its TTL after raising it to the minimum. */
  public record Granted(long id, long ttlSeconds) {}

  private final LessorConfig config;
  private final RandomGenerator idGenerator;
  private final Map<Long, Lease> leases = new HashMap<>();
  private final Map<ByteString, Long> keyToLease = new HashMap<>();
  private final LeaseQueue expiryQueue = new LeaseQueue();
  private boolean primary;

  /**
   * @param idGenerator draws ids for {@link #newLeaseId()}; inject a seeded one in tests
   */
  public Lessor(LessorConfig config, RandomGenerator idGenerator) {
    this.config = Objects.requireNonNull(config, "config");
    this.idGenerator = Objects.requireNonNull(idGenerator, "idGenerator");
  }

  public boolean isPrimary() {
    return primary;
  }

  /**
   * A fresh positive id not in use. As etcd's server does, the member receiving a LeaseGrant with
   * ID 0 picks the id before proposing, so that the replicated entry carries it and every member
   * applies the same id.
   */
  public long newLeaseId() {
    long id;
    do {
      id = idGenerator.nextLong() & Long.MAX_VALUE;
    } while (id == NO_LEASE || leases.containsKey(id));
    return id;
  }

  /**
   * Grants a lease. {@code id} 0 draws one with {@link #newLeaseId()} (convenient for a single member;
   * a replicated grant must carry its id). A TTL below the minimum is raised to it.
   *
   * @throws io.akkaetcd.errors.EtcdException LEASE_TTL_TOO_LARGE above {@link #MAX_LEASE_TTL_SECONDS},
   *     LEASE_EXIST if the id is taken
   */
  public Granted grant(long id, long ttlSeconds, long nowMillis) {
    if (ttlSeconds > MAX_LEASE_TTL_SECONDS) {
      throw EtcdError.LEASE_TTL_TOO_LARGE.exception();
    }
    if (id != NO_LEASE && leases.containsKey(id)) {
      throw EtcdError.LEASE_EXIST.exception();
    }
    long leaseId = id == NO_LEASE ? newLeaseId() : id;
    Lease lease = new Lease(leaseId, Math.max(ttlSeconds, config.minLeaseTtlSeconds()), 0);
    leases.put(leaseId, lease);
    if (primary) {
      lease.refresh(nowMillis, 0);
      expiryQueue.registerOrUpdate(leaseId, lease.expiryMillis);
    }
    return new Granted(leaseId, lease.ttlSeconds);
  }

  /**
   * Removes a lease and returns its keys, sorted, for the caller to delete in the same store write
   * (etcd sorts them so that every member deletes in the same order).
   *
   * @throws io.akkaetcd.errors.EtcdException LEASE_NOT_FOUND
   */
  public List<ByteString> revoke(long id) {
    Lease lease = leases.remove(id);
    if (lease == null) {
      throw EtcdError.LEASE_NOT_FOUND.exception();
    }
    expiryQueue.remove(id);
    for (ByteString key : lease.keys) {
      keyToLease.remove(key);
    }
    return List.copyOf(lease.keys);
  }

  /**
   * A keep-alive: the lease expires its full TTL from now. Returns the TTL for the response.
   *
   * <p>etcd first clears a checkpointed remaining TTL through Raft so that the refresh uses the full
   * TTL; here the refresh always uses the full TTL, and the caller proposes {@code checkpoint(id, 0)}
   * when {@link #checkpointedRemainingTtl} is positive, to keep the replicated state in step.
   *
   * @throws io.akkaetcd.errors.EtcdException NOT_LEADER on a non-leader, LEASE_NOT_FOUND
   * @throws LeaseExpiredException if the lease expired and awaits its revoke
   */
  public long renew(long id, long nowMillis) {
    if (!primary) {
      throw EtcdError.NOT_LEADER.exception();
    }
    Lease lease = leases.get(id);
    if (lease == null) {
      throw EtcdError.LEASE_NOT_FOUND.exception();
    }
    if (lease.expired(nowMillis)) {
      throw new LeaseExpiredException(id);
    }
    lease.expiryMillis = nowMillis + lease.ttlSeconds * 1000;
    expiryQueue.registerOrUpdate(id, lease.expiryMillis);
    return lease.ttlSeconds;
  }

  /**
   * Remaining TTL (truncated to whole seconds, possibly 0 or negative for an expired lease not yet
   * revoked, as etcd reports it), granted TTL and sorted keys.
   *
   * @throws io.akkaetcd.errors.EtcdException NOT_LEADER on a non-leader (only the leader knows
   *     expiries; etcd forwards the request), LEASE_NOT_FOUND (the gRPC layer answers
   *     {@link TimeToLive#notFound})
   */
  public TimeToLive timeToLive(long id, long nowMillis) {
    if (!primary) {
      throw EtcdError.NOT_LEADER.exception();
    }
    Lease lease = leases.get(id);
    if (lease == null) {
      throw EtcdError.LEASE_NOT_FOUND.exception();
    }
    long remainingMillis = lease.expiryMillis - nowMillis;
    return new TimeToLive(id, remainingMillis / 1000, lease.ttlSeconds, List.copyOf(lease.keys));
  }

  /** The ids of all leases, soonest expiry first (ties by id), as etcd's {@code Leases()}. */
  public List<Long> leases() {
    List<Lease> all = new ArrayList<>(leases.values());
    all.sort(BY_EXPIRY);
    List<Long> ids = new ArrayList<>(all.size());
    for (Lease lease : all) {
      ids.add(lease.id);
    }
    return ids;
  }

  /** The lease {@code key} is attached to, or {@link #NO_LEASE}. */
  public long leaseOf(ByteString key) {
    return keyToLease.getOrDefault(key, NO_LEASE);
  }

  /** The keys attached to a lease, sorted; empty if the lease is unknown. */
  public List<ByteString> keysOf(long id) {
    Lease lease = leases.get(id);
    return lease == null ? List.of() : List.copyOf(lease.keys);
  }

  /** The granted TTL of a lease (after raising it to the minimum); 0 if the lease is unknown. */
  public long grantedTtl(long id) {
    Lease lease = leases.get(id);
    return lease == null ? 0 : lease.ttlSeconds;
  }

  /** The last checkpointed remaining TTL of a lease; 0 if none or if the lease is unknown. */
  public long checkpointedRemainingTtl(long id) {
    Lease lease = leases.get(id);
    return lease == null ? 0 : lease.remainingTtlSeconds;
  }

  @Override
  public boolean exists(long leaseId) {
    return leases.containsKey(leaseId);
  }

  /**
   * Attaches {@code key}; a key held by another lease moves to this one.
   *
   * @throws io.akkaetcd.errors.EtcdException LEASE_NOT_FOUND (the store checks {@link #exists} first)
   */
  @Override
  public void attach(long leaseId, ByteString key) {
    Lease lease = leases.get(leaseId);
    if (lease == null) {
      throw EtcdError.LEASE_NOT_FOUND.exception();
    }
    Long previous = keyToLease.put(key, leaseId);
    if (previous != null && previous != leaseId) {
      Lease old = leases.get(previous);
      if (old != null) {
        old.keys.remove(key);
      }
    }
    lease.keys.add(key);
  }

  /**
   * Detaches {@code key} from a lease. Unknown leases are ignored: deleting the keys of a revoked
   * lease detaches from a lease already gone (etcd's store only logs that error).
   */
  @Override
  public void detach(long leaseId, ByteString key) {
    Lease lease = leases.get(leaseId);
    if (lease == null) {
      return;
    }
    lease.keys.remove(key);
    keyToLease.remove(key, leaseId);
  }

  /**
   * Up to {@code limit} leases whose expiry has passed, soonest first, for the leader to propose
   * their revoke. Leases stay until revoked; each reported one is not reported again before
   * {@code nowMillis + expiredLeaseRetryMillis}. Empty on a non-leader.
   */
  public List<Long> expired(long nowMillis, int limit) {
    List<Long> ids = new ArrayList<>();
    if (!primary) {
      return ids;
    }
    while (ids.size() < limit) {
      LeaseQueue.Item head = expiryQueue.peek();
      if (head == null || head.dueMillis() > nowMillis) {
        break;
      }
      Lease lease = leases.get(head.leaseId());
      if (lease == null) {
        expiryQueue.remove(head.leaseId());
        continue;
      }
      expiryQueue.registerOrUpdate(lease.id, nowMillis + config.expiredLeaseRetryMillis());
      if (lease.expired(nowMillis)) {
        ids.add(lease.id);
      }
    }
    return ids;
  }

  /**
   * This member became leader: every lease expires {@code extendMillis} plus its effective TTL from
   * now (etcd passes the election timeout as the extension, so clients have time to find the new
   * leader). With at least {@code revokeRatePerSecond} leases, expiries that would pile up in one
   * second are pushed back so that at most 3/4 of the revoke rate expire per second, as etcd does.
   */
  public void promote(long nowMillis, long extendMillis) {
    primary = true;
    for (Lease lease : leases.values()) {
      lease.refresh(nowMillis, extendMillis);
      expiryQueue.registerOrUpdate(lease.id, lease.expiryMillis);
    }
    if (leases.size() < config.revokeRatePerSecond()) {
      return;
    }
    List<Lease> sorted = new ArrayList<>(leases.values());
    sorted.sort(BY_EXPIRY);
    int targetExpiresPerSecond = 3 * config.revokeRatePerSecond() / 4;
    long baseWindow = sorted.get(0).expiryMillis - nowMillis;
    long nextWindow = baseWindow + 1000;
    int expires = 0;
    for (Lease lease : sorted) {
      long remaining = lease.expiryMillis - nowMillis;
      if (remaining > nextWindow) {
        baseWindow = remaining;
        nextWindow = baseWindow + 1000;
        expires = 1;
        continue;
      }
      expires++;
      if (expires <= targetExpiresPerSecond) {
        continue;
      }
      // Past the target for this window: delay in proportion to how far over the target we are,
      // less how far this lease already sits beyond the window start.
      double rateDelay = 1000.0 * expires / targetExpiresPerSecond - (remaining - baseWindow);
      long delay = (long) rateDelay;
      nextWindow = baseWindow + delay;
      lease.refresh(nowMillis, delay + extendMillis);
      expiryQueue.registerOrUpdate(lease.id, lease.expiryMillis);
    }
  }

  /** This member is no longer leader: leases are kept but never expire here. */
  public void demote() {
    primary = false;
    for (Lease lease : leases.values()) {
      lease.expiryMillis = Lease.FOREVER;
    }
    expiryQueue.clear();
  }

  /**
   * Applies a replicated checkpoint: the lease's remaining TTL, used by the next {@link #promote} so
   * a leader change does not hand a lease its full TTL again. Unknown leases are ignored.
   */
  public void checkpoint(long id, long remainingTtlSeconds) {
    Lease lease = leases.get(id);
    if (lease != null) {
      lease.remainingTtlSeconds = remainingTtlSeconds;
    }
  }

  /** The remaining TTL to checkpoint for a lease on the leader, rounded up as etcd does; 0 if none. */
  public long remainingTtlToCheckpoint(long id, long nowMillis) {
    Lease lease = leases.get(id);
    if (lease == null || !primary || lease.expired(nowMillis)) {
      return 0;
    }
    return -Math.floorDiv(nowMillis - lease.expiryMillis, 1000);
  }

  /** Every lease's persistent state, by id: the content of a snapshot. */
  public List<LeaseSnapshot> exportLeases() {
    List<LeaseSnapshot> out = new ArrayList<>(leases.size());
    for (Lease lease : leases.values()) {
      out.add(new LeaseSnapshot(lease.id, lease.ttlSeconds, lease.remainingTtlSeconds));
    }
    out.sort(Comparator.comparingLong(LeaseSnapshot::id));
    return out;
  }

  /**
   * Replaces every lease with {@code snapshots} (etcd's {@code Recover}): TTLs below the minimum are
   * raised, keys start empty (the store re-attaches them as it reopens), and expiries are forever,
   * or refreshed from {@code nowMillis} if this member is leader.
   */
  public void importLeases(Collection<LeaseSnapshot> snapshots, long nowMillis) {
    leases.clear();
    keyToLease.clear();
    expiryQueue.clear();
    for (LeaseSnapshot s : snapshots) {
      Lease lease = new Lease(s.id(), Math.max(s.ttlSeconds(), config.minLeaseTtlSeconds()),
          s.remainingTtlSeconds());
      leases.put(lease.id, lease);
      if (primary) {
        lease.refresh(nowMillis, 0);
        expiryQueue.registerOrUpdate(lease.id, lease.expiryMillis);
      }
    }
  }

  /** For tests: a lease's expiry in millis ({@link Long#MAX_VALUE}: never), or -1 if unknown. */
  long expiryMillis(long id) {
    Lease lease = leases.get(id);
    return lease == null ? -1 : lease.expiryMillis;
  }

  private static final Comparator<Lease> BY_EXPIRY =
      Comparator.<Lease>comparingLong(l -> l.expiryMillis).thenComparingLong(l -> l.id);
}
