package io.akkaetcd.server;

import akka.actor.Cancellable;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.AskPattern;
import com.google.protobuf.ByteString;
import io.akkaetcd.api.AlarmRequest;
import io.akkaetcd.api.AlarmType;
import io.akkaetcd.api.HashKVResponse;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.Member;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.cluster.RaftActor;
import io.akkaetcd.raft.Configuration;
import io.akkaetcd.store.MemberDirectory;
import io.akkaetcd.store.StoreActor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd 3.4's {@code --experimental-corrupt-check-time} (etcdserver/corrupt.go monitorKVHash and checkHashKV):
 * every interval the leader hashes its keyspace (HashKV at its current revision), asks every other member
 * for HashKV at that revision, waits for a linearizable read and hashes again. It raises the CORRUPT alarm
 * (member ID 0, as etcd: which member is wrong is not known) through the log when its own two hashes of
 * one revision differ, when a member is ahead of it (revision or compacted revision), or when a member with
 * the same compacted revision has another hash. Under the alarm every member refuses writes with "corrupt
 * cluster" (see {@code Applier}). A member that does not answer is logged and skipped, as etcd does.
 *
 * <p>The others are asked on their peer URLs ({@link PeerHashKv}), as etcd asks {@code /members/hashkv}. The
 * check runs on the blocking dispatcher, one at a time.
 */
final class PeriodicCorruptCheck implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("etcdserver");
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final ActorSystem<?> system;
  private final long selfId;
  private final ActorRef<RaftActor.Command> raft;
  private final ActorRef<StoreActor.Command> store;
  private final StoreClient client;
  private final MemberDirectory directory;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile Cancellable timer;

  private PeriodicCorruptCheck(ActorSystem<?> system, long selfId, ActorRef<RaftActor.Command> raft,
      ActorRef<StoreActor.Command> store, StoreClient client, MemberDirectory directory) {
    this.system = system;
    this.selfId = selfId;
    this.raft = raft;
    this.store = store;
    this.client = client;
    this.directory = directory;
  }

  /** Starts checking every {@code interval}; null (nothing runs) for a zero interval, etcd's default. */
  static PeriodicCorruptCheck start(ActorSystem<?> system, Duration interval, long selfId,
      ActorRef<RaftActor.Command> raft, ActorRef<StoreActor.Command> store, StoreClient client,
      MemberDirectory directory) {
    if (interval.isZero() || interval.isNegative()) {
      return null;
    }
    log.info("enabled corruption checking: local-member-id={} interval={}", Long.toHexString(selfId), interval);
    PeriodicCorruptCheck check = new PeriodicCorruptCheck(system, selfId, raft, store, client, directory);
    check.timer = system.scheduler().scheduleWithFixedDelay(interval, interval, check::tick,
        system.dispatchers().lookup(DispatcherSelector.blocking()));
    return check;
  }

  private void tick() {
    if (!running.compareAndSet(false, true)) {
      return;
    }
    try {
      RaftActor.RaftView view = AskPattern.<RaftActor.Command, RaftActor.RaftView>ask(raft, RaftActor.GetStatus::new,
          TIMEOUT, system.scheduler()).toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (view.status().leaderId() == selfId) {
        checkHashKv(view.status().configuration());
      }
    } catch (Exception e) {
      log.warn("failed to check hash KV: error={}", e.toString());
    } finally {
      running.set(false);
    }
  }

  private record PeerHash(long id, HashKVResponse response) {}

  /** A hash as etcd logs it: a uint32. */
  private static String unsigned(HashKVResponse r) {
    return Integer.toUnsignedString(r.getHash());
  }

  /** etcd's checkHashKV. */
  void checkHashKv(Configuration configuration) throws Exception {
    HashKVResponse first = localHash();
    long rev = first.getHeader().getRevision();
    long crev = first.getCompactRevision();
    List<PeerHash> peers = peerHashes(configuration, rev);
    // A linearizable read: everything committed before it is applied here, as etcd's linearizableReadNotify.
    client.range(RangeRequest.newBuilder().setKey(ByteString.copyFrom(new byte[] {0})).setCountOnly(true).build())
        .toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    HashKVResponse second = localHash();
    long rev2 = second.getHeader().getRevision();
    long crev2 = second.getCompactRevision();

    boolean mismatch = false;
    if (second.getHash() != first.getHash() && rev2 == rev && crev2 == crev) {
      log.warn("found hash mismatch: revision-1={} compact-revision-1={} hash-1={} revision-2={} compact-revision-2={} "
          + "hash-2={}", rev, crev, unsigned(first), rev2, crev2, unsigned(second));
      mismatch = true;
    }
    for (PeerHash p : peers) {
      HashKVResponse r = p.response();
      String peer = Long.toHexString(p.id());
      if (r.getHeader().getRevision() > rev2) {
        log.warn("revision from follower must be less than or equal to leader's: leader-revision={} "
            + "follower-revision={} follower-peer-id={}", rev2, r.getHeader().getRevision(), peer);
        mismatch = true;
      }
      if (r.getCompactRevision() > crev2) {
        log.warn("compact revision from follower must be less than or equal to leader's: leader-compact-revision={} "
            + "follower-compact-revision={} follower-peer-id={}", crev2, r.getCompactRevision(), peer);
        mismatch = true;
      }
      if (r.getCompactRevision() == crev && r.getHash() != first.getHash()) {
        log.warn("same compact revision then hashes must match: leader-compact-revision={} leader-hash={} "
                + "follower-compact-revision={} follower-hash={} follower-peer-id={}", crev2, unsigned(first),
            r.getCompactRevision(), unsigned(r), peer);
        mismatch = true;
      }
    }
    log.info("finished peer corruption check: number-of-peers-checked={}", peers.size());
    if (mismatch) {
      AlarmRequest alarm = AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.ACTIVATE).setMemberID(0)
          .setAlarm(AlarmType.CORRUPT).build();
      client.propose(InternalRaftRequest.newBuilder().setAlarm(alarm).build())
          .toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private HashKVResponse localHash() throws Exception {
    return AskPattern.<StoreActor.Command, HashKVResponse>askWithStatus(store,
        replyTo -> new StoreActor.HashKv(0, replyTo), TIMEOUT, system.scheduler())
        .toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The others' HashKV at {@code rev}: those that answered (one down, lagging or compacted past it is left out). */
  private List<PeerHash> peerHashes(Configuration configuration, long rev) {
    List<Member> members = new ArrayList<>();
    for (long id : configuration.voters()) {
      Member m = directory.get(id);
      if (m != null) {
        members.add(m);
      }
    }
    for (long id : configuration.learners()) {
      Member m = directory.get(id);
      if (m != null) {
        members.add(m);
      }
    }
    List<PeerHash> out = new ArrayList<>();
    for (PeerHashKv.Answer a : PeerHashKv.ask(system.classicSystem(), selfId, members, rev, TIMEOUT)) {
      if (a.response() != null) {
        out.add(new PeerHash(a.id(), a.response()));
      }
    }
    return out;
  }

  @Override
  public void close() {
    Cancellable t = timer;
    if (t != null) {
      t.cancel();
    }
  }
}
