package io.akkaetcd.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --discovery-token} with {@code --discovery-endpoints}: etcd 3.6's v3 discovery
 * (server/etcdserver/api/v3discovery), against any etcd v3 cluster. Keys, under
 * {@code /_etcd/registry/<token>}: {@code _config/size} (set by the operator) says how many members
 * the cluster has; each member puts {@code members/<member id in hex>} holding its
 * {@code name=peer-url,...}, then watches {@code members} until {@code size} members are there. The
 * first {@code size} by create revision make the initial cluster; a member not among them finds the
 * cluster full. A failed request is retried after etcd's backoff (2 s doubling up to 256 s, without
 * end); a missing or bad size key ends discovery at once.
 */
public final class V3Discovery {
  private static final Logger log = LoggerFactory.getLogger("v3discovery");
  private static final String PREFIX = "/_etcd/registry";
  private static final int MAX_EXPONENTIAL_RETRIES = 8;

  /** etcd's v3discovery errors, by their text. */
  public static final String ERR_INVALID_URL = "discovery: invalid peer URL";
  public static final String ERR_BAD_SIZE_KEY = "discovery: size key is bad";
  public static final String ERR_SIZE_NOT_FOUND = "discovery: size key not found";
  public static final String ERR_FULL_CLUSTER = "discovery: cluster is full";

  /** One key of the discovery cluster, with its create revision. */
  public record Entry(String key, String value, long createRevision) {}

  /** A prefix's keys and the revision they were read at. */
  public record Listing(List<Entry> entries, long revision) {}

  /** The discovery cluster as the protocol uses it; every failure is an {@link Unavailable}. */
  public interface Registry {
    Optional<String> get(String key) throws Unavailable;

    Listing getPrefix(String prefix) throws Unavailable;

    void put(String key, String value) throws Unavailable;

    /** Waits for the next keys created or changed under {@code prefix} at or after {@code fromRevision}. */
    Watch watch(String prefix, long fromRevision) throws Unavailable;
  }

  /** An open watch; {@link #next} blocks for the next batch of events. */
  public interface Watch extends AutoCloseable {
    List<Entry> next() throws Unavailable, InterruptedException;

    @Override
    void close();
  }

  /** A request to the discovery cluster failed (retried with backoff). */
  public static final class Unavailable extends Exception {
    public Unavailable(String message) {
      super(message, null, false, false);
    }
  }

  /** What waiting between retries does; tests may count instead of sleeping. */
  public interface Backoff {
    void sleep(Duration d) throws InterruptedException;
  }

  private final Registry registry;
  private final String token;
  private final String selfKey;
  private final Backoff backoff;
  private int retries;

  private record Check(List<Entry> members, int size, long revision, boolean full) {}

  V3Discovery(Registry registry, String token, long memberId, Backoff backoff) {
    this.registry = registry;
    this.token = token;
    this.selfKey = memberKey(token, Long.toHexString(memberId));
    this.backoff = backoff;
  }

  /**
   * JoinCluster: registers {@code self} ({@code name=peer-url,...}) as member {@code memberId} and
   * returns the initial cluster once {@code size} members have registered.
   */
  public static String joinCluster(Registry registry, String token, long memberId, String self, Backoff backoff)
      throws DiscoveryException, InterruptedException {
    return new V3Discovery(registry, token, memberId, backoff).join(self);
  }

  String join(String self) throws DiscoveryException, InterruptedException {
    if (check().full()) throw new DiscoveryException(ERR_FULL_CLUSTER);
    register(self);
    while (true) {
      Check c = check();
      if (c.full()) throw new DiscoveryException(ERR_FULL_CLUSTER);
      List<Entry> members = new ArrayList<>(c.members());
      // a watch that broke off: the members are read again after the backoff
      if (members.size() >= c.size() || waitPeers(members, c.size(), c.revision())) {
        return initialCluster(members, c.size());
      }
    }
  }

  /** checkCluster: the size, the members by create revision, and whether this member is beyond the size. */
  private Check check() throws DiscoveryException, InterruptedException {
    while (true) {
      try {
        int size = size();
        Listing l = registry.getPrefix(membersPrefix(token));
        retries = 0;
        List<Entry> members = new ArrayList<>();
        for (Entry e : l.entries()) add(members, e);
        int idx = 0;
        for (Entry m : members) {
          if (m.key().equals(selfKey)) break;
          if (idx >= size - 1) return new Check(members, size, l.revision(), true);
          idx++;
        }
        return new Check(members, size, l.revision(), false);
      } catch (Unavailable e) {
        log.warn("failed to check the cluster in the discovery service: {}", e.getMessage());
        retry("cluster status check");
      }
    }
  }

  private int size() throws Unavailable, DiscoveryException {
    Optional<String> v = registry.get(sizeKey(token));
    if (v.isEmpty()) throw new DiscoveryException(ERR_SIZE_NOT_FOUND);
    try {
      // Go's strconv.ParseInt(s, 10, 0): the whole text, an optional sign, no blanks
      long size = Long.parseLong(v.get(), 10);
      if (size <= 0 || size > Integer.MAX_VALUE) throw new DiscoveryException(ERR_BAD_SIZE_KEY);
      return (int) size;
    } catch (NumberFormatException e) {
      throw new DiscoveryException(ERR_BAD_SIZE_KEY);
    }
  }

  private void register(String self) throws InterruptedException {
    while (true) {
      try {
        registry.put(selfKey, self);
        retries = 0;
        log.info("register member itself successfully: memberKey={} memberInfo={}", selfKey, self);
        return;
      } catch (Unavailable e) {
        log.warn("failed to register members itself to the discovery service: memberKey={} error={}", selfKey, e.getMessage());
        retry("register member itself");
      }
    }
  }

  /** waitPeers: adds what the watch from {@code revision + 1} brings until {@code size} members; false if the watch failed. */
  private boolean waitPeers(List<Entry> members, int size, long revision) throws InterruptedException {
    log.info("waiting for peers from discovery service: clusterSize={} found-peers={}", size, members.size());
    try (Watch w = registry.watch(membersPrefix(token), revision + 1)) {
      while (members.size() < size) {
        for (Entry e : w.next()) add(members, e);
      }
    } catch (Unavailable e) {
      log.warn("watching the discovery service failed: {}", e.getMessage());
      retry("watch members");
      return false;
    }
    log.info("found all needed peers from discovery service: clusterSize={} found-peers={}", size, members.size());
    return true;
  }

  /** clusterInfo.add: a well-formed, new member, kept in create revision order. */
  private void add(List<Entry> members, Entry e) {
    String key = e.key().strip();
    String value = e.value().strip();
    String why = null;
    if (!key.startsWith(membersPrefix(token))) {
      why = "invalid peer registry key";
    } else if (value.indexOf('=') < 0) {
      why = "invalid peer info returned from discovery service";
    } else if (members.stream().anyMatch(m -> m.key().equals(key))) {
      why = "found duplicate peer from discovery service";
    }
    if (why != null) {
      log.warn("{}: memberKey={} memberInfo={}", why, key, value);
      return;
    }
    log.info("found peer from discovery service: memberKey={} memberInfo={}", key, value);
    members.add(new Entry(key, value, e.createRevision()));
    members.sort(Comparator.comparingLong(Entry::createRevision));
  }

  private static String initialCluster(List<Entry> members, int size) throws DiscoveryException {
    List<String> parts = new ArrayList<>();
    for (Entry m : members.subList(0, Math.min(size, members.size()))) parts.add(m.value());
    String cluster = String.join(",", parts);
    for (String p : cluster.split(",")) {
      int eq = p.indexOf('=');
      if (eq <= 0 || !validUrl(p.substring(eq + 1))) throw new DiscoveryException(ERR_INVALID_URL);
    }
    return cluster;
  }

  /** types.NewURLs' check: a scheme of http, https, unix or unixs, and a host:port. */
  private static boolean validUrl(String u) {
    try {
      java.net.URI uri = new java.net.URI(u);
      return uri.getScheme() != null && java.util.Set.of("http", "https", "unix", "unixs").contains(uri.getScheme())
          && uri.getHost() != null && uri.getPort() > 0;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  private void retry(String step) throws InterruptedException {
    retries++;
    Duration wait = Duration.ofSeconds(1L << Math.min(retries, MAX_EXPONENTIAL_RETRIES));
    log.warn("retry connecting to discovery service: reason={} backoff={}s", step, wait.toSeconds());
    backoff.sleep(wait);
  }

  /** path.Join(PREFIX, token): slashes collapsed, no trailing one. */
  static String clusterPrefix(String token) {
    StringBuilder b = new StringBuilder();
    for (String part : (PREFIX + "/" + token).split("/")) {
      if (part.isEmpty() || part.equals(".")) continue;
      if (part.equals("..")) {
        int cut = b.lastIndexOf("/");
        b.setLength(Math.max(cut, 0));
        continue;
      }
      b.append('/').append(part);
    }
    return b.length() == 0 ? "/" : b.toString();
  }

  static String sizeKey(String token) {
    return clusterPrefix(token) + "/_config/size";
  }

  static String membersPrefix(String token) {
    return clusterPrefix(token) + "/members";
  }

  static String memberKey(String token, String memberId) {
    return membersPrefix(token) + "/" + memberId;
  }
}
