package io.akkaetcd.server;

import akka.actor.ActorSystem;
import io.akkaetcd.api.HashKVRequest;
import io.akkaetcd.api.HashKVResponse;
import io.akkaetcd.api.Member;
import io.akkaetcd.cluster.PeerQuery;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's getPeerHashKVs: HashKV at a revision from every other member, asked on its peer URLs in turn
 * ({@link PeerQuery#HASH_KV}, as etcd's {@code /members/hashkv}) until one answers.
 */
final class PeerHashKv {
  private static final Logger log = LoggerFactory.getLogger("etcdserver");

  /** One member's answer, or (response null) the last error asking it. */
  record Answer(long id, List<String> peerUrls, HashKVResponse response, Throwable error) {}

  private PeerHashKv() {}

  static List<Answer> ask(ActorSystem system, long selfId, Collection<Member> members, long revision,
      Duration timeout) {
    List<Answer> out = new ArrayList<>();
    for (Member m : members) {
      if (m.getID() == selfId || m.getPeerURLsCount() == 0) {
        continue;
      }
      Answer answer = null;
      Throwable last = null;
      for (String url : m.getPeerURLsList()) {
        try {
          Object r = PeerQuery.ask(system, URI.create(url), PeerQuery.HASH_KV,
              HashKVRequest.newBuilder().setRevision(revision).build(), timeout)
              .toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
          answer = new Answer(m.getID(), m.getPeerURLsList(), (HashKVResponse) r, null);
          break;
        } catch (java.util.concurrent.ExecutionException e) {
          last = e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
          last = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          last = e;
          break;
        }
        log.warn("failed hash kv request: local-member-id={} requested-revision={} remote-peer-endpoint={} error={}",
            Long.toHexString(selfId), revision, url, String.valueOf(last));
      }
      out.add(answer != null ? answer : new Answer(m.getID(), m.getPeerURLsList(), null, last));
    }
    return out;
  }
}
