/**
 * The Raft consensus core: a pure, single-threaded state machine in the shape of etcd-io/raft
 * ({@code Step}/{@code Tick}/{@code Ready}/{@code Advance}), with no Akka, I/O, clock or randomness of its own.
 * {@link io.akkaetcd.raft.RaftNode} documents the driver contract (persist, send, apply, advance).
 *
 * <h2>Files by concern</h2>
 * <ul>
 *   <li>{@code RaftNode}: state, term rules common to every role, votes, role changes, Ready/advance.</li>
 *   <li>{@code FollowerStep}, {@code CandidateStep}, {@code LeaderStep}: the per-role halves of step
 *       (etcd's stepFollower/stepCandidate/stepLeader).</li>
 *   <li>{@code RaftLog} + {@code UnstableLog}: the log over {@code RaftStorage}; {@code Progress} +
 *       {@code Inflights} + {@code ProgressTracker}: replication state and quorum arithmetic; {@code ReadOnly}:
 *       ReadIndex; {@code Configuration} + {@code ConfChange} + {@code Bootstrap}: membership.</li>
 *   <li>Wire messages are records implementing the sealed {@code RaftMessage}.</li>
 * </ul>
 *
 * <h2>Where this differs from etcd-io/raft, and why</h2>
 * <ul>
 *   <li>Membership: single-server changes only (thesis §4.1), no joint consensus. A change takes effect inside
 *       Raft when its entry is applied ({@code advance}), instead of the application calling ApplyConfChange;
 *       at most one change is pending, and a new leader may not propose one before its earlier entries apply.</li>
 *   <li>As in etcd, a steady leader may send its appends before its own fsync ({@code Ready.sendBeforePersist},
 *       thesis §10.2.1), so the followers' fsyncs overlap the leader's; unlike etcd, which reports the leader's
 *       own progress through a self-addressed message, {@code advance} counts the leader's entries toward
 *       commitment once they are persisted. Any other Ready's messages wait for its fsync.</li>
 *   <li>ReadIndex is always the "safe" variant (heartbeat round); no lease-based reads, which would depend on
 *       bounded clock drift.</li>
 *   <li>Followers do not forward proposals: {@code propose} returns {@code NotLeader(leaderId)} and the actor
 *       redirects. Reads are forwarded ({@code ReadIndexRequest}) because followers serve them locally.</li>
 *   <li>Read states are released only once the state machine has applied their index, so the driver can serve
 *       them right after applying the same Ready.</li>
 *   <li>Flow control counts messages only (no byte-based inflight limit); a heartbeat answer frees one inflight
 *       slot so a window full of lost appends cannot stall a live follower.</li>
 * </ul>
 */
package io.akkaetcd.raft;
