package io.akkaetcd.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** pkg/srv.GetCluster's rules over a DNS the test answers for. */
class SrvDiscoveryTest {
  /** SRV answers by name; every host resolves through {@code hosts}. */
  private static SrvDiscovery.Lookup dns(Map<String, List<SrvDiscovery.Srv>> srv, Map<String, String> hosts) {
    return new SrvDiscovery.Lookup() {
      @Override
      public List<SrvDiscovery.Srv> srv(String name) throws DiscoveryException {
        List<SrvDiscovery.Srv> r = srv.get(name);
        if (r == null) throw new DiscoveryException("lookup " + name + ": no such host");
        return r;
      }

      @Override
      public String tcpAddress(String host, int port) throws DiscoveryException {
        String ip = hosts.get(host.endsWith(".") ? host.substring(0, host.length() - 1) : host);
        if (ip == null) throw new DiscoveryException("lookup " + host + ": no such host");
        return ip + ":" + port;
      }
    };
  }

  private static SrvDiscovery.Srv srv(String target, int port) {
    return new SrvDiscovery.Srv(0, 10, port, target);
  }

  private static final Map<String, String> HOSTS = Map.of("a.example.com", "10.0.0.1", "b.example.com", "10.0.0.2",
      "c.example.com", "10.0.0.3", "me", "10.0.0.2");

  @Test
  void thisMemberIsNamedAndTheOthersNumbered() throws Exception {
    var d = dns(Map.of("_etcd-server._tcp.example.com",
        List.of(srv("a.example.com.", 2380), srv("b.example.com.", 2380), srv("c.example.com.", 2380))), HOSTS);
    // this member advertises a name of its own that resolves to b's address
    assertEquals("0=http://a.example.com:2380,infra1=http://b.example.com:2380,1=http://c.example.com:2380",
        SrvDiscovery.initialCluster(d, "example.com", "", "infra1", List.of(URI.create("http://me:2380"))));
  }

  @Test
  void httpsAndHttpRecordsAreJoinedAndTheNameSuffixPicksTheService() throws Exception {
    var d = dns(Map.of("_etcd-server-ssl-blue._tcp.example.com", List.of(srv("a.example.com", 2380)),
        "_etcd-server-blue._tcp.example.com", List.of(srv("b.example.com", 2380))), HOSTS);
    assertEquals("0=https://a.example.com:2380,infra1=http://b.example.com:2380",
        SrvDiscovery.initialCluster(d, "example.com", "blue", "infra1", List.of(URI.create("http://b.example.com:2380"))));
  }

  @Test
  void etcdsErrors() {
    var none = dns(Map.of(), HOSTS);
    DiscoveryException e = assertThrows(DiscoveryException.class, () -> SrvDiscovery.initialCluster(none,
        "example.com", "", "infra1", List.of(URI.create("http://b.example.com:2380"))));
    assertEquals("error querying DNS SRV records for _etcd-server-ssl lookup _etcd-server-ssl._tcp.example.com: no such host",
        e.getMessage());

    var others = dns(Map.of("_etcd-server._tcp.example.com", List.of(srv("a.example.com", 2380))), HOSTS);
    e = assertThrows(DiscoveryException.class, () -> SrvDiscovery.initialCluster(others, "example.com", "", "infra1",
        List.of(URI.create("http://b.example.com:2380"))));
    assertEquals("cannot find local etcd member \"infra1\" in SRV records", e.getMessage());

    // an https peer URL found only under the http service is a scheme mismatch, and so not this member
    var mismatch = dns(Map.of("_etcd-server._tcp.example.com", List.of(srv("b.example.com", 2380))), HOSTS);
    e = assertThrows(DiscoveryException.class, () -> SrvDiscovery.initialCluster(mismatch, "example.com", "", "infra1",
        List.of(URI.create("https://b.example.com:2380"))));
    assertEquals("error querying DNS SRV records for _etcd-server-ssl lookup _etcd-server-ssl._tcp.example.com: no such host",
        e.getMessage());
  }
}
