package io.akkaetcd.discovery;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --discovery-srv DOMAIN}: the initial cluster from DNS SRV records, as etcd's pkg/srv.GetCluster
 * builds it. {@code _etcd-server-ssl[-NAME]._tcp.DOMAIN} gives {@code https} peers, {@code
 * _etcd-server[-NAME]._tcp.DOMAIN} {@code http} ones; each target is {@code scheme://target:port}, named
 * after this member when its address is one of this member's advertised peer URLs' addresses, else
 * {@code 0}, {@code 1}, ... (names of other members are only labels: member IDs come from peer URLs).
 *
 * <p>SRV records are read through JNDI's DNS provider with no server named, so the name servers are
 * those of {@code /etc/resolv.conf} (per namespace under {@code ip netns exec}); targets resolve through
 * the system resolver, as Go's net package does. Where etcd 3.4.23 drops the {@code http} records once the
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

  /** The system's DNS: JNDI for SRV, InetAddress for targets. */
  public static final Lookup SYSTEM = new Lookup() {
    @Override
    public List<Srv> srv(String name) throws DiscoveryException {
      Hashtable<String, String> env = new Hashtable<>();
      env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
      env.put("java.naming.provider.url", "dns:");
      env.put("com.sun.jndi.dns.timeout.initial", "1000");
      env.put("com.sun.jndi.dns.timeout.retries", "3");
      List<Srv> out = new ArrayList<>();
      try {
        DirContext ctx = new InitialDirContext(env);
        try {
          Attribute a = ctx.getAttributes(name, new String[] {"SRV"}).get("SRV");
          if (a == null) throw new DiscoveryException("lookup " + name + ": no such host");
          NamingEnumeration<?> values = a.getAll();
          while (values.hasMore()) {
            String[] f = values.next().toString().trim().split("\\s+");
            out.add(new Srv(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), f[3]));
          }
        } finally {
          ctx.close();
        }
      } catch (NameNotFoundException e) {
        throw new DiscoveryException("lookup " + name + ": no such host");
      } catch (NamingException e) {
        throw new DiscoveryException("lookup " + name + ": " + e.getMessage());
      }
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
  };

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
