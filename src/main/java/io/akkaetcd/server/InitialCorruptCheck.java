package io.akkaetcd.server;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import io.akkaetcd.api.HashKVResponse;
import io.akkaetcd.api.Member;
import io.akkaetcd.store.StoreActor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's --experimental-initial-corrupt-check (etcdserver/corrupt.go checkInitialHashKV): before serving,
 * this member hashes its keyspace (HashKV at its current revision) and asks every other member, on its
 * peer URLs ({@link PeerHashKv}), for HashKV at that revision. A peer with another hash at the same
 * compacted revision means the data differ: the start fails with etcd's "found data inconsistency with
 * peers". A peer that does not answer, is behind (future revision) or has compacted past it is logged and
 * skipped, as etcd does, so a new cluster whose members start together passes.
 */
final class InitialCorruptCheck {
  private static final Logger log = LoggerFactory.getLogger("etcdserver");
  private static final Duration PEER_TIMEOUT = Duration.ofSeconds(5);

  private InitialCorruptCheck() {}

  static void run(ActorSystem<?> system, ActorRef<StoreActor.Command> store, long selfId,
      Map<Long, Member> members) throws Exception {
    log.info("starting initial corruption check: local-member-id={} timeout={}", Long.toHexString(selfId), PEER_TIMEOUT);
    HashKVResponse mine = AskPattern.<StoreActor.Command, HashKVResponse>askWithStatus(store,
        replyTo -> new StoreActor.HashKv(0, replyTo), Duration.ofSeconds(30), system.scheduler())
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    long rev = mine.getHeader().getRevision();
    int mismatch = 0;
    for (PeerHashKv.Answer p : PeerHashKv.ask(system.classicSystem(), selfId, members.values(), rev, PEER_TIMEOUT)) {
      HashKVResponse peer = p.response();
      if (peer == null) {
        log.warn("cannot fetch hash from remote peer: local-member-id={} local-member-revision={} remote-peer-id={} "
            + "remote-peer-endpoints={} error={}", Long.toHexString(selfId), rev, Long.toHexString(p.id()),
            p.peerUrls(), String.valueOf(p.error()));
        continue;
      }
      if (peer.getHash() == mine.getHash()) {
        continue;
      }
      if (peer.getCompactRevision() == mine.getCompactRevision()) {
        log.warn("found different hash values from remote peer: local-member-id={} local-member-revision={} "
                + "local-member-compact-revision={} local-member-hash={} remote-peer-id={} remote-peer-endpoints={} "
                + "remote-peer-revision={} remote-peer-compact-revision={} remote-peer-hash={}",
            Long.toHexString(selfId), rev, mine.getCompactRevision(), Integer.toUnsignedString(mine.getHash()),
            Long.toHexString(p.id()), p.peerUrls(), peer.getHeader().getRevision(), peer.getCompactRevision(),
            Integer.toUnsignedString(peer.getHash())); // etcd's hashes are uint32
        mismatch++;
      } else {
        log.warn("found different compact revision values from remote peer: local-member-id={} "
                + "local-member-compact-revision={} remote-peer-id={} remote-peer-compact-revision={}",
            Long.toHexString(selfId), mine.getCompactRevision(), Long.toHexString(p.id()), peer.getCompactRevision());
      }
    }
    if (mismatch > 0) {
      throw new DataDirRefusedException(Long.toHexString(selfId) + " found data inconsistency with peers");
    }
    log.info("initial corruption checking passed; no corruption: local-member-id={}", Long.toHexString(selfId));
  }
}
