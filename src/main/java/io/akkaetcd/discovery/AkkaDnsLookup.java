package io.akkaetcd.discovery;

import akka.actor.ActorSystem;
import akka.discovery.Discovery;
import akka.discovery.Lookup;
import akka.discovery.ServiceDiscovery;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * SRV records through Akka Discovery's DNS method ({@code akka-dns}, over Akka's async-dns resolver):
 * {@code Lookup(domain).withPortName(service).withProtocol("tcp")} asks for {@code _service._tcp.domain}.
 * The async-dns resolver takes its name servers, search domains and ndots from {@code /etc/resolv.conf}
 * (under {@code ip netns exec}, the namespace's own), as Go's resolver does. An empty answer (NXDOMAIN;
 * the resolver also reports other failed answers as empty) is Go's "no such host".
 *
 * <p>SRV targets resolve through the system resolver ({@code /etc/hosts}, then DNS), as Go's
 * {@code net.ResolveTCPAddr} in etcd's pkg/srv does; Akka's resolver reads no hosts file.
 */
final class AkkaDnsLookup implements SrvDiscovery.Lookup {
  private final ServiceDiscovery dns;
  private final Duration timeout;

  AkkaDnsLookup(ActorSystem system, Duration timeout) {
    this.dns = Discovery.get(system).loadServiceDiscovery("akka-dns");
    this.timeout = timeout;
  }

  @Override
  public List<SrvDiscovery.Srv> srv(String name) throws DiscoveryException {
    // name is _service._proto.domain: Akka builds the same query from its three parts
    String[] parts = name.split("\\.", 3);
    Lookup query = Lookup.create(parts[2]).withPortName(parts[0].substring(1)).withProtocol(parts[1].substring(1));
    ServiceDiscovery.Resolved resolved;
    try {
      resolved = dns.lookup(query, timeout).toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new DiscoveryException("lookup " + name + ": " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      throw new DiscoveryException("lookup " + name + ": i/o timeout");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DiscoveryException("lookup " + name + ": interrupted");
    }
    List<SrvDiscovery.Srv> out = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (ServiceDiscovery.ResolvedTarget t : resolved.getAddresses()) {
      // one target per address in the answer's additional records: one SRV record each
      int port = t.getPort().map(p -> (Integer) p).orElse(0);
      if (seen.add(t.host() + ":" + port)) out.add(new SrvDiscovery.Srv(0, 0, port, t.host()));
    }
    if (out.isEmpty()) throw new DiscoveryException("lookup " + name + ": no such host");
    return out;
  }

  @Override
  public String tcpAddress(String host, int port) throws DiscoveryException {
    try {
      return InetAddress.getByName(host).getHostAddress() + ":" + port;
    } catch (UnknownHostException e) {
      throw new DiscoveryException("lookup " + host + ": no such host");
    }
  }
}
