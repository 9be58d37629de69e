package io.akkaetcd.lease;

/**
 * What survives a restart or a snapshot of one lease, as etcd persists it in its {@code lease}
 * bucket: the id, the granted TTL and the last checkpointed remaining TTL (0: none, the full TTL
 * applies). Expiry times are not persisted: they are local clock readings, refreshed when a member
 * becomes leader. Attached keys are not either: the store re-attaches them from each key's
 * {@code lease} field.
 */
public record LeaseSnapshot(long id, long ttlSeconds, long remainingTtlSeconds) {}
