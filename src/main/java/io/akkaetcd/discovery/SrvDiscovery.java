package io.akkaetcd.discovery;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --discovery-srv DOMAIN}: the initial cluster from DNS SRV records, as etcd's pkg/srv.GetCluster
 * builds it. {@code _etcd-server-ssl[-NAME]._tcp.DOMAIN} gives {@code https} peers, {@code
 * _etcd-server[-NAME]._tcp.DOMAIN} {@code http} ones; each target is {@code scheme://target:port}, named
 * after this member when its address is one of this member's advertised peer URLs' addresses, else
 * {@code 0}, {@code 1}, ... (names of other members are only labels: member IDs come from peer URLs).
 *
 * <p>{@link AkkaDnsLookup} answers the SRV queries (Akka Discovery's DNS, name servers from
 * {@code /etc/resolv.conf}); targets resolve through the system resolver, as Go's net package does.
 * Where etcd 3.4.23 drops the {@code http} records once the
 * {@code https} lookup fails (its GetDNSClusterNames appends them only on error), both lists are joined
 * here and the lookup fails only when neither gives a member, as etcd 3.5 does.
 */
public final class SrvDiscovery {
  private static final Logger log = LoggerFactory.getLogger("embed");

  /** One SRV answer. */
  public record Srv(int priority, int weight, int port, String target) {}

  /** Looks SRV records up: {@code _service._tcp.domain} → answers, or an exception with Go's wording. */
  public interface Lookup {
    List<Srv> srv(String name) throws DiscoveryException;

    /** The address {@code host:port} resolves to, as {@code ip:port}. */
    String tcpAddress(String host, int port) throws DiscoveryException;
  }

  private SrvDiscovery() {}

  /**
   * etcd's GetDNSClusterNames: the initial cluster ({@code name=url,...}) for member {@code name}
   * advertising {@code apurls}, from the SRV records under {@code domain}.
   */
  public static String initialCluster(Lookup dns, String domain, String serviceName, String name, List<URI> apurls)
      throws DiscoveryException {
    String suffix = serviceName.isEmpty() ? "" : "-" + serviceName;
    Map<String, URI> tcpToAdvertised = new HashMap<>();
    for (URI u : apurls) tcpToAdvertised.put(dns.tcpAddress(u.getHost(), u.getPort()), u);
    List<String> parts = new ArrayList<>();
    DiscoveryException https = null;
    DiscoveryException http = null;
    try {
      parts.addAll(cluster(dns, "https", "etcd-server-ssl" + suffix, name, domain, tcpToAdvertised));
    } catch (DiscoveryException e) {
      https = e;
    }
    log.info("get cluster for etcd-server-ssl SRV: service-scheme=https service-name=etcd-server-ssl{} "
        + "discovery-srv={} found-cluster={} error={}", suffix, domain, parts, https == null ? "" : https.getMessage());
    try {
      parts.addAll(cluster(dns, "http", "etcd-server" + suffix, name, domain, tcpToAdvertised));
    } catch (DiscoveryException e) {
      http = e;
    }
    log.info("get cluster for etcd-server SRV: service-scheme=http service-name=etcd-server{} "
        + "discovery-srv={} found-cluster={} error={}", suffix, domain, parts, http == null ? "" : http.getMessage());
    if (parts.isEmpty()) {
      throw https != null ? https : new DiscoveryException("no SRV records under " + domain);
    }
    for (String p : parts) log.info("got bootstrap from DNS for etcd-server: node={}", p);
    String cluster = String.join(",", parts);
    if (!java.util.Arrays.stream(cluster.split(",")).anyMatch(p -> p.startsWith(name + "="))) {
      throw new DiscoveryException("cannot find local etcd member " + quote(name) + " in SRV records");
    }
    return cluster;
  }

  /** pkg/srv.GetCluster for one service. */
  private static List<String> cluster(Lookup dns, String scheme, String service, String name, String domain,
      Map<String, URI> tcpToAdvertised) throws DiscoveryException {
    List<Srv> records;
    try {
      records = new ArrayList<>(dns.srv("_" + service + "._tcp." + domain));
    } catch (DiscoveryException e) {
      throw new DiscoveryException("error querying DNS SRV records for _" + service + " " + e.getMessage());
    }
    // Go orders by priority, then randomly by weight; the order only decides the temporary names
    records.sort(Comparator.comparingInt(Srv::priority).thenComparing(Comparator.comparingInt(Srv::weight).reversed())
        .thenComparing(Srv::target));
    List<String> parts = new ArrayList<>();
    DiscoveryException last = null;
    int tempName = 0;
    for (Srv r : records) {
      String tcp;
      try {
        tcp = dns.tcpAddress(r.target(), r.port());
      } catch (DiscoveryException e) {
        last = e;
        continue;
      }
      URI mine = tcpToAdvertised.get(tcp);
      String n = mine != null ? name : Integer.toString(tempName++);
      String host = r.target().endsWith(".") ? r.target().substring(0, r.target().length() - 1) : r.target();
      String urlHost = host + ":" + r.port();
      if (mine != null && !mine.getScheme().equals(scheme)) {
        last = new DiscoveryException("bootstrap at " + scheme + "://" + urlHost + " from DNS for " + service
            + " has scheme mismatch with expected peer " + mine);
      } else {
        parts.add(n + "=" + scheme + "://" + urlHost);
      }
    }
    if (parts.isEmpty()) {
      String why = last != null ? last.getMessage() : "lookup _" + service + "._tcp." + domain + ": no such host";
      throw new DiscoveryException("error querying DNS SRV records for _" + service + " " + why);
    }
    return parts;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
