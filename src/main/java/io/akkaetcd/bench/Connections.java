package io.akkaetcd.bench;

import akka.actor.ActorSystem;
import akka.grpc.GrpcClientSettings;
import io.akkaetcd.client.StaticNameResolver;
import io.akkaetcd.api.KVClient;
import io.akkaetcd.api.LeaseClient;
import io.akkaetcd.api.MaintenanceClient;
import io.akkaetcd.api.StatusRequest;
import io.akkaetcd.api.StatusResponse;
import io.akkaetcd.api.WatchClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC connections: each Akka gRPC client instance owns one HTTP/2 channel, so {@code --conns}
 * clients of a service are {@code --conns} connections, assigned round-robin to the endpoints (or
 * all to the leader with {@code --target-leader}). Calls complete on the Netty event loop
 * ({@code directExecutor}): no thread-pool hand-off per response. grpc-java's transparent retry
 * (which buffers every request) is off: a benchmark counts failures, it does not hide them.
 */
public final class Connections {
  private final ActorSystem system;
  private final List<String> endpoints;
  private final List<Object> all = new ArrayList<>();

  public Connections(ActorSystem system, List<String> endpoints) {
    this.system = system;
    this.endpoints = endpoints;
  }

  public List<String> endpoints() {
    return endpoints;
  }

  GrpcClientSettings settings(String endpoint) {
    String[] hp = Options.hostPort(endpoint);
    if (hp == null) throw new IllegalArgumentException("bad endpoint " + endpoint);
    int port = Integer.parseInt(hp[1]);
    StaticNameResolver resolver = new StaticNameResolver(hp[0], port);
    return GrpcClientSettings.connectToServiceAt(hp[0], port, system)
        .withTls(false)
        .withChannelBuilderOverrides(b -> b.nameResolverFactory(resolver).directExecutor().disableRetry());
  }

  public KVClient[] kv(int conns) {
    KVClient[] out = new KVClient[conns];
    for (int i = 0; i < conns; i++) out[i] = track(KVClient.create(settings(endpoints.get(i % endpoints.size())), system));
    return out;
  }

  public WatchClient[] watch(int conns) {
    WatchClient[] out = new WatchClient[conns];
    for (int i = 0; i < conns; i++) out[i] = track(WatchClient.create(settings(endpoints.get(i % endpoints.size())), system));
    return out;
  }

  public LeaseClient[] lease(int conns) {
    LeaseClient[] out = new LeaseClient[conns];
    for (int i = 0; i < conns; i++) out[i] = track(LeaseClient.create(settings(endpoints.get(i % endpoints.size())), system));
    return out;
  }

  private <T> T track(T c) {
    all.add(c);
    return c;
  }

  /**
   * The endpoint of the leader: asks every endpoint for Maintenance.Status and picks the one whose
   * member id is the leader they report. With one endpoint there is nothing to choose.
   */
  public static List<String> leaderOnly(ActorSystem system, List<String> endpoints) throws Exception {
    if (endpoints.size() <= 1) return endpoints;
    Connections tmp = new Connections(system, endpoints);
    long leader = 0;
    String found = null;
    List<String> errs = new ArrayList<>();
    for (String e : endpoints) {
      MaintenanceClient m = MaintenanceClient.create(tmp.settings(e).withDeadline(java.time.Duration.ofSeconds(5)), system);
      try {
        StatusResponse s = m.status(StatusRequest.getDefaultInstance()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (s.getLeader() != 0) leader = s.getLeader();
        if (s.getLeader() != 0 && s.getLeader() == s.getHeader().getMemberId()) found = e;
      } catch (Exception ex) {
        errs.add(e + ": " + Stats.describe(ex));
      } finally {
        m.close();
      }
    }
    if (found == null)
      throw new IllegalStateException(
          "--target-leader: no endpoint is the leader (leader id " + Long.toHexString(leader) + ") " + errs);
    System.err.println("target-leader: using " + found + " (member " + Long.toHexString(leader) + ")");
    return List.of(found);
  }

  public void closeAll() {
    for (Object c : all) {
      try {
        if (c instanceof akka.grpc.javadsl.AkkaGrpcClient a) a.close().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // shutting down anyway
      }
    }
  }
}
