package io.akkaetcd.server;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.grpc.GrpcClientSettings;
import io.akkaetcd.api.HashKVRequest;
import io.akkaetcd.api.HashKVResponse;
import io.akkaetcd.api.MaintenanceClient;
import io.akkaetcd.api.Member;
import io.akkaetcd.store.StoreActor;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's --experimental-initial-corrupt-check (etcdserver/corrupt.go checkInitialHashKV): before serving,
 * this member hashes its keyspace (HashKV at its current revision) and asks every peer it knows a client
 * URL of for HashKV at that revision. A peer with another hash at the same compacted revision means the
 * data differ: the start fails with etcd's "found data inconsistency with peers". A peer that does not
 * answer, is behind (future revision) or has compacted past it is logged and skipped, as etcd does, so a
 * new cluster whose members start together passes.
 */
final class InitialCorruptCheck {
  private static final Logger log = LoggerFactory.getLogger("etcdserver");
  private static final Duration PEER_TIMEOUT = Duration.ofSeconds(5);

  private InitialCorruptCheck() {}

  static void run(ActorSystem<?> system, ActorRef<StoreActor.Command> store, long selfId,
      Map<Long, Member> members) throws Exception {
    HashKVResponse mine = AskPattern.<StoreActor.Command, HashKVResponse>askWithStatus(store,
        replyTo -> new StoreActor.HashKv(0, replyTo), Duration.ofSeconds(30), system.scheduler())
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    long rev = mine.getHeader().getRevision();
    log.info("starting initial corruption check: local-member-id={} timeout={}", Long.toHexString(selfId), PEER_TIMEOUT);
    int mismatch = 0;
    for (Member m : members.values()) {
      if (m.getID() == selfId || m.getClientURLsCount() == 0) {
        continue;
      }
      URI url = URI.create(m.getClientURLs(0));
      MaintenanceClient client = MaintenanceClient.create(
          GrpcClientSettings.connectToServiceAt(url.getHost(), url.getPort(), system).withTls(false), system);
      try {
        HashKVResponse peer = client.hashKV(HashKVRequest.newBuilder().setRevision(rev).build())
            .toCompletableFuture().get(PEER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (peer.getHash() != mine.getHash()) {
          if (peer.getCompactRevision() == mine.getCompactRevision()) {
            log.warn("found different hash values from remote peer: local-member-id={} local-member-revision={} "
                    + "local-member-compact-revision={} local-member-hash={} remote-peer-id={} remote-peer-hash={}",
                Long.toHexString(selfId), rev, mine.getCompactRevision(), mine.getHash(), Long.toHexString(m.getID()),
                peer.getHash());
            mismatch++;
          } else {
            log.warn("found different compact revision values from remote peer: local-member-id={} "
                    + "local-member-compact-revision={} remote-peer-id={} remote-peer-compact-revision={}",
                Long.toHexString(selfId), mine.getCompactRevision(), Long.toHexString(m.getID()),
                peer.getCompactRevision());
          }
        }
      } catch (Exception e) {
        log.warn("cannot fetch hash from remote peer: local-member-id={} remote-peer-id={} error={}",
            Long.toHexString(selfId), Long.toHexString(m.getID()), e.getMessage());
      } finally {
        client.close();
      }
    }
    if (mismatch > 0) {
      throw new DataDirRefusedException(Long.toHexString(selfId) + " found data inconsistency with peers");
    }
    log.info("initial corruption checking passed; no corruption: local-member-id={}", Long.toHexString(selfId));
  }
}
