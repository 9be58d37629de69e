package io.akkaetcd.grpcproxy;

import akka.actor.typed.ActorSystem;
import akka.stream.KillSwitches;
import akka.stream.UniqueKillSwitch;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.akkaetcd.api.KeyValue;
import io.akkaetcd.api.LeaseGrantRequest;
import io.akkaetcd.api.LeaseKeepAliveRequest;
import io.akkaetcd.api.LeaseRevokeRequest;
import io.akkaetcd.api.Member;
import io.akkaetcd.api.MemberListRequest;
import io.akkaetcd.api.MemberListResponse;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RequestOp;
import io.akkaetcd.api.TxnRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What MemberList answers through the proxy, and the proxy's own registration, as etcd 3.4's
 * grpcproxy/cluster.go and register.go do them. With an {@code --advertise-client-url} (by default
 * 127.0.0.1:23790, so always unless set empty) clients are told about proxies, not members, so that a
 * client syncing its endpoints stays on the proxy tier: the proxies registered under
 * {@code --resolver-prefix} if any, else this proxy alone (named after the host, no ID, no peer URLs).
 * Without it, MemberList is the cluster's.
 *
 * <p>Registration: a key {@code <prefix>/<advertise-client-url>} holding etcd's endpoint update JSON
 * ({@code {"Op":0,"Addr":...,"Metadata":"{\"name\":...}"}}) under a lease of {@code --resolver-ttl}
 * seconds, kept alive every third of it (as a clientv3 session is); when the lease is lost (the cluster
 * restarted, a partition outlasted the TTL) the proxy registers anew a second later. The keys live
 * under the {@code --namespace}, as etcd's registration goes through the namespaced client. Where etcd
 * keeps a watch on the prefix, MemberList reads it (serializable) each time: the same answer, one read
 * per call instead of a watch per proxy.
 */
final class ProxyMembers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GrpcProxy.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Upstream upstream;
  private final Namespace namespace;
  private final String advertiseClientUrl;
  private final String prefix;
  private final int ttlSeconds;
  private final String hostname;
  private final AtomicReference<UniqueKillSwitch> keepAlive = new AtomicReference<>();
  private final AtomicLong leaseId = new AtomicLong();
  private volatile boolean closed;

  ProxyMembers(Upstream upstream, Namespace namespace, ProxyOptions options) {
    this.upstream = upstream;
    this.namespace = namespace;
    this.advertiseClientUrl = options.advertiseClientUrl();
    this.prefix = options.resolverPrefix();
    this.ttlSeconds = options.resolverTtlSeconds();
    this.hostname = hostname();
  }

  CompletionStage<MemberListResponse> memberList(MemberListRequest request, String token) {
    if (advertiseClientUrl.isEmpty()) return upstream.call(upstream.cluster().memberList(), request, token);
    MemberListResponse self = MemberListResponse.newBuilder().addMembers(
        Member.newBuilder().setName(hostname).addClientURLs(advertiseClientUrl)).build();
    if (prefix.isEmpty()) return CompletableFuture.completedFuture(self);
    ByteString key = ByteString.copyFromUtf8(prefix);
    RangeRequest range = namespace.in(RangeRequest.newBuilder().setKey(key).setRangeEnd(prefixEnd(key))
        .setSerializable(true).build());
    return upstream.call(upstream.kv().range(), range, null).handle((r, failure) -> {
      if (failure != null) return self; // as etcd's proxy with an empty map of registrations
      Map<String, Member> byAddr = new TreeMap<>();
      for (KeyValue kv : r.getKvsList()) {
        try {
          JsonNode update = JSON.readTree(kv.getValue().toStringUtf8());
          String addr = update.path("Addr").asText();
          String name = JSON.readTree(update.path("Metadata").asText("{}")).path("name").asText("");
          byAddr.put(addr, Member.newBuilder().setName(name).addClientURLs(addr).build());
        } catch (IOException e) {
          // etcd's watch skips an update it cannot unmarshal
        }
      }
      return byAddr.isEmpty() ? self : MemberListResponse.newBuilder().addAllMembers(byAddr.values()).build();
    });
  }

  /** Registers under --resolver-prefix, if one is given, and keeps the registration alive until closed. */
  void register(ActorSystem<?> system) {
    if (prefix.isEmpty() || closed) return;
    upstream.call(upstream.lease().leaseGrant(), LeaseGrantRequest.newBuilder().setTTL(ttlSeconds).build(), null)
        .thenCompose(grant -> {
          leaseId.set(grant.getID());
          ObjectNode meta = JSON.createObjectNode().put("name", hostname);
          ObjectNode update = JSON.createObjectNode().put("Op", 0).put("Addr", advertiseClientUrl)
              .put("Metadata", meta.toString());
          PutRequest put = namespace.in(PutRequest.newBuilder()
              .setKey(ByteString.copyFromUtf8(prefix + "/" + advertiseClientUrl))
              .setValue(ByteString.copyFromUtf8(update.toString())).setLease(grant.getID()).build());
          return upstream.call(upstream.kv().txn(),
              TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestPut(put)).build(), null)
              .thenApply(txn -> grant.getID());
        })
        .whenComplete((id, failure) -> {
          if (failure != null) {
            log.warn("failed to create a session {}", failure.toString());
            retry(system);
            return;
          }
          log.info("registered \"{}\" with {}-second lease", advertiseClientUrl, ttlSeconds);
          keepAlive(system, id);
        });
  }

  private void keepAlive(ActorSystem<?> system, long id) {
    Duration every = Duration.ofMillis(Math.max(1, ttlSeconds * 1000L / 3));
    // one keep-alive stream: ticks out, the member's answers in; a TTL of 0 means the lease is gone
    var pair = Source.tick(Duration.ZERO, every, LeaseKeepAliveRequest.newBuilder().setID(id).build())
        .mapMaterializedValue(c -> akka.NotUsed.getInstance())
        .viaMat(KillSwitches.single(), Keep.right())
        .preMaterialize(system);
    keepAlive.set(pair.first());
    if (closed) pair.first().shutdown();
    upstream.stream(upstream.lease().leaseKeepAlive(), null).invoke(pair.second())
        .takeWhile(r -> r.getTTL() > 0)
        .runWith(Sink.ignore(), system)
        .whenComplete((done, failure) -> {
          pair.first().shutdown();
          if (closed) return;
          log.warn("session expired; possible network partition or server restart");
          log.warn("creating a new session to rejoin");
          retry(system);
        });
  }

  private void retry(ActorSystem<?> system) {
    if (closed) return;
    system.scheduler().scheduleOnce(Duration.ofSeconds(1), () -> register(system), system.executionContext());
  }

  @Override
  public void close() {
    closed = true;
    UniqueKillSwitch k = keepAlive.get();
    if (k != null) k.shutdown();
    long id = leaseId.get();
    if (id != 0) {
      try {
        upstream.call(upstream.lease().leaseRevoke(), LeaseRevokeRequest.newBuilder().setID(id).build(), null)
            .toCompletableFuture().get(2, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        // the lease expires by itself after its TTL
      }
    }
  }

  private static ByteString prefixEnd(ByteString key) {
    byte[] b = key.toByteArray();
    for (int i = b.length - 1; i >= 0; i--) {
      if (b[i] != (byte) 0xff) {
        b[i]++;
        return ByteString.copyFrom(b, 0, i + 1);
      }
    }
    return ByteString.copyFrom(new byte[] {0});
  }

  /** The kernel's host name, as Go's os.Hostname reads it. */
  private static String hostname() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      try {
        return java.net.InetAddress.getLocalHost().getHostName();
      } catch (IOException e2) {
        return "";
      }
    }
  }
}
