package io.akkaetcd.raft;

/**
 * A linearizable read that may be served: Raft confirmed leadership after the read arrived, and the state
 * machine has applied at least {@code index} by the time this appears in a {@link Ready} (thesis §6.4).
 */
public record ReadState(long requestId, long index) {
}
