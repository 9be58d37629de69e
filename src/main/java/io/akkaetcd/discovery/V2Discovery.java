package io.akkaetcd.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --discovery URL}: etcd 3.4's v2 discovery (etcdserver/api/v2discovery), against any etcd v2 keys
 * API. The URL's path is the token directory: {@code TOKEN/_config/size} says how many members the
 * cluster has; each member creates {@code TOKEN/<member id in hex>} holding its {@code name=peer-url,...},
 * then waits (long-polling {@code ?wait=true&recursive=true}) until {@code size} members are there. The
 * first {@code size} by creation index make the initial cluster; a member beyond them finds the cluster
 * full. Connection failures are retried with etcd's backoff (1 s doubling up to 256 s).
 */
public final class V2Discovery {
  private static final Logger log = LoggerFactory.getLogger("discovery");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX_EXPONENTIAL_RETRIES = 8;

  /** etcd's v2discovery errors, by their text. */
  public static final String ERR_SIZE_NOT_FOUND = "discovery: size key not found";
  public static final String ERR_BAD_SIZE_KEY = "discovery: size key is bad";
  public static final String ERR_DUPLICATE_ID = "discovery: found duplicate id";
  public static final String ERR_DUPLICATE_NAME = "discovery: found duplicate name";
  public static final String ERR_FULL_CLUSTER = "discovery: cluster is full";
  public static final String ERR_BAD_ENDPOINT = "discovery: bad discovery endpoint";
  public static final String ERR_INVALID_URL = "discovery: invalid URL";

  /** What waiting between retries does; tests may count instead of sleeping. */
  public interface Backoff {
    void sleep(Duration d) throws InterruptedException;
  }

  private final URI endpoint;
  private final String token;
  private final String selfKey;
  private final HttpClient http;
  private final Backoff backoff;
  private int retries;

  private record Node(String key, String value, long createdIndex) {}

  private record Listing(List<Node> nodes, long size, long index) {}

  private V2Discovery(String durl, String proxy, long memberId, Backoff backoff) throws DiscoveryException {
    URI u;
    try {
      u = URI.create(durl);
    } catch (IllegalArgumentException e) {
      throw new DiscoveryException("parse " + durl + ": " + e.getMessage());
    }
    if (u.getScheme() == null || u.getRawAuthority() == null) throw new DiscoveryException(ERR_BAD_ENDPOINT);
    String path = u.getRawPath() == null ? "" : u.getRawPath();
    this.token = path.startsWith("/") ? path : "/" + path;
    this.endpoint = URI.create(u.getScheme() + "://" + u.getRawAuthority());
    this.selfKey = join(token, Long.toHexString(memberId));
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30));
    InetSocketAddress proxyAddress = proxy(proxy);
    if (proxyAddress != null) {
      log.info("using proxy {}", proxy);
      b.proxy(ProxySelector.of(proxyAddress));
    }
    this.http = b.build();
    this.backoff = backoff;
  }

  /** etcd's newProxyFunc: empty means none; a bare host:port is taken as http://host:port. */
  private static InetSocketAddress proxy(String proxy) throws DiscoveryException {
    if (proxy.isEmpty()) return null;
    URI p;
    try {
      p = URI.create(proxy.startsWith("http") ? proxy : "http://" + proxy);
    } catch (IllegalArgumentException e) {
      throw new DiscoveryException("invalid proxy address " + quote(proxy) + ": " + e.getMessage());
    }
    if (p.getHost() == null) throw new DiscoveryException("invalid proxy address " + quote(proxy));
    return InetSocketAddress.createUnresolved(p.getHost(), p.getPort() < 0 ? 80 : p.getPort());
  }

  /**
   * etcd's JoinCluster: registers {@code self} ("name=url,...") as {@code memberId} under the discovery
   * URL and returns the initial cluster once {@code size} members are registered.
   */
  public static String joinCluster(String durl, String proxy, long memberId, String self, Backoff backoff)
      throws DiscoveryException, InterruptedException {
    return new V2Discovery(durl, proxy, memberId, backoff).join(self);
  }

  private String join(String self) throws DiscoveryException, InterruptedException {
    checkCluster();
    createSelf(self);
    Listing l = checkCluster();
    List<Node> all = waitNodes(l);
    return nodesToCluster(all, l.size);
  }

  private void createSelf(String contents) throws DiscoveryException, InterruptedException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(keyUri(selfKey, "prevExist=false"))
        .timeout(REQUEST_TIMEOUT).header("Content-Type", "application/x-www-form-urlencoded")
        .PUT(HttpRequest.BodyPublishers.ofString("value=" + URLEncoder.encode(contents, StandardCharsets.UTF_8))));
    JsonNode body = parse(r);
    if (body.path("errorCode").asInt() == 105) throw new DiscoveryException(ERR_DUPLICATE_ID);
    if (r.statusCode() / 100 != 2) throw new DiscoveryException(errorText(body));
  }

  private Listing checkCluster() throws DiscoveryException, InterruptedException {
    while (true) {
      String configKey = join(token, "_config");
      HttpResponse<String> r = trySend(HttpRequest.newBuilder(keyUri(join(configKey, "size"), null))
          .timeout(REQUEST_TIMEOUT).GET());
      if (r == null || r.statusCode() >= 500) {
        retry("cluster status check");
        continue;
      }
      JsonNode body = parse(r);
      if (body.path("errorCode").asInt() == 100) throw new DiscoveryException(ERR_SIZE_NOT_FOUND);
      if (r.statusCode() / 100 != 2) throw new DiscoveryException(errorText(body));
      long size;
      try {
        size = Long.parseUnsignedLong(body.path("node").path("value").asText());
      } catch (NumberFormatException e) {
        throw new DiscoveryException(ERR_BAD_SIZE_KEY);
      }
      HttpResponse<String> dir = trySend(HttpRequest.newBuilder(keyUri(token, null)).timeout(REQUEST_TIMEOUT).GET());
      if (dir == null || dir.statusCode() >= 500) {
        retry("cluster status check");
        continue;
      }
      JsonNode listing = parse(dir);
      if (dir.statusCode() / 100 != 2) throw new DiscoveryException(errorText(listing));
      long index = dir.headers().firstValueAsLong("X-Etcd-Index").orElse(0);
      List<Node> nodes = new ArrayList<>();
      for (JsonNode n : listing.path("node").path("nodes")) {
        Node node = node(n);
        if (!base(node.key).equals("_config")) nodes.add(node);
      }
      nodes.sort(Comparator.comparingLong(Node::createdIndex));
      // a member that is not among the first size-1 registrations before finding itself is one too many
      for (int i = 0; i < nodes.size(); i++) {
        if (base(nodes.get(i).key).equals(base(selfKey))) break;
        if (i >= size - 1) {
          throw new DiscoveryException(ERR_FULL_CLUSTER);
        }
      }
      return new Listing(nodes, size, index);
    }
  }

  private List<Node> waitNodes(Listing l) throws DiscoveryException, InterruptedException {
    List<Node> all = new ArrayList<>(l.nodes.size() > l.size ? l.nodes.subList(0, (int) l.size) : l.nodes);
    for (Node n : all) {
      if (base(n.key).equals(base(selfKey))) {
        log.info("found self {} in the cluster", base(selfKey));
      } else {
        log.info("found peer {} in the cluster", base(n.key));
      }
    }
    long waitIndex = l.index + 1;
    while (all.size() < l.size) {
      log.info("found {} peer(s), waiting for {} more", all.size(), l.size - all.size());
      // a long poll: no timeout, as etcd's watcher has none
      HttpResponse<String> r = trySend(HttpRequest.newBuilder(
          keyUri(token, "wait=true&recursive=true&waitIndex=" + waitIndex)).GET());
      if (r == null || r.statusCode() >= 500) {
        retry("waiting for other nodes");
        return waitNodes(checkCluster());
      }
      JsonNode body = parse(r);
      if (r.statusCode() / 100 != 2) throw new DiscoveryException(errorText(body));
      if (body.isEmpty()) continue; // the v2 API's empty answer to a poll it closed
      Node n = node(body.path("node"));
      waitIndex = body.path("node").path("modifiedIndex").asLong() + 1;
      log.info("found peer {} in the cluster", base(n.key));
      all.add(n);
    }
    log.info("found {} needed peer(s)", all.size());
    return all;
  }

  /** etcd's nodesToCluster: the values joined; as many distinct names as the size, or duplicate names. */
  private static String nodesToCluster(List<Node> nodes, long size) throws DiscoveryException {
    List<String> values = new ArrayList<>();
    for (Node n : nodes) values.add(n.value);
    String us = String.join(",", values);
    Map<String, Boolean> names = new LinkedHashMap<>();
    for (String pair : us.split(",")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) throw new DiscoveryException(ERR_INVALID_URL);
      try {
        URI u = URI.create(pair.substring(eq + 1));
        if (u.getScheme() == null || u.getHost() == null) throw new DiscoveryException(ERR_INVALID_URL);
      } catch (IllegalArgumentException e) {
        throw new DiscoveryException(ERR_INVALID_URL);
      }
      names.put(pair.substring(0, eq), true);
    }
    if (names.size() != size) throw new DiscoveryException(ERR_DUPLICATE_NAME);
    return us;
  }

  private void retry(String step) throws InterruptedException {
    retries++;
    int shift = Math.min(retries, MAX_EXPONENTIAL_RETRIES);
    Duration wait = Duration.ofSeconds(1L << shift);
    log.info("{}: error connecting to {}, retrying in {}s", step, endpoint, wait.toSeconds());
    backoff.sleep(wait);
  }

  /** The request's answer, or null when the discovery service cannot be reached (to be retried). */
  private HttpResponse<String> trySend(HttpRequest.Builder request) throws InterruptedException {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      log.error("failed to get from discovery server {}: {}", endpoint, e.toString());
      return null;
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws DiscoveryException, InterruptedException {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new DiscoveryException("client: etcd cluster is unavailable or misconfigured; error #0: " + e.getMessage());
    }
  }

  private static JsonNode parse(HttpResponse<String> r) throws DiscoveryException {
    try {
      return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    } catch (IOException e) {
      // etcd's client.ErrInvalidJSON: not a v2 keys API
      throw new DiscoveryException(ERR_BAD_ENDPOINT);
    }
  }

  private static Node node(JsonNode n) {
    return new Node(n.path("key").asText(), n.path("value").asText(), n.path("createdIndex").asLong());
  }

  private static String errorText(JsonNode body) {
    // the v2 client's Error.Error(): "<code>: <message> (<cause>) [<index>]"
    return body.path("errorCode").asInt() + ": " + body.path("message").asText() + " ("
        + body.path("cause").asText() + ") [" + body.path("index").asLong() + "]";
  }

  private URI keyUri(String key, String query) {
    return URI.create(endpoint + "/v2/keys" + key + (query == null ? "" : "?" + query));
  }

  private static String join(String dir, String name) {
    return (dir.endsWith("/") ? dir : dir + "/") + name;
  }

  private static String base(String key) {
    return key.substring(key.lastIndexOf('/') + 1);
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
