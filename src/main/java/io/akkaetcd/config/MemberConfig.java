package io.akkaetcd.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One member's settings, validated and with etcd's defaults resolved. Build it with {@link #from(Config)}
 * from {@code EtcdFlags} overrides layered over {@code ConfigFactory.load()}; it throws
 * {@link EtcdConfigException} with etcd's message (exit code 1) for a configuration etcd would refuse.
 */
public record MemberConfig(
    String name,
    Path dataDir,
    List<URI> listenClientUrls,
    List<URI> advertiseClientUrls,
    List<URI> listenPeerUrls,
    List<URI> initialAdvertisePeerUrls,
    LinkedHashMap<String, List<URI>> initialCluster,
    String initialClusterState,
    String initialClusterToken,
    int heartbeatIntervalMs,
    int electionTimeoutMs,
    long snapshotCount,
    long quotaBackendBytes,
    int maxRequestBytes,
    int maxTxnOps,
    long maxConcurrentStreams,
    String metrics,
    List<URI> listenMetricsUrls,
    Set<String> corsOrigins,
    boolean enablePprof,
    String autoCompactionMode,
    String autoCompactionRetention,
    String logLevel) {

  /** etcd's embed.maxElectionMs. */
  public static final int MAX_ELECTION_MS = 50000;

  public static final Set<String> LOG_LEVELS = Set.of("debug", "info", "warn", "error", "dpanic", "panic", "fatal");

  public MemberConfig {
    listenClientUrls = List.copyOf(listenClientUrls);
    advertiseClientUrls = List.copyOf(advertiseClientUrls);
    listenPeerUrls = List.copyOf(listenPeerUrls);
    initialAdvertisePeerUrls = List.copyOf(initialAdvertisePeerUrls);
    listenMetricsUrls = List.copyOf(listenMetricsUrls);
    corsOrigins = Set.copyOf(corsOrigins);
    LinkedHashMap<String, List<URI>> copy = new LinkedHashMap<>();
    initialCluster.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    initialCluster = copy;
  }

  /** A copy: the record's map must not be changed through this accessor. */
  @Override
  public LinkedHashMap<String, List<URI>> initialCluster() {
    return new LinkedHashMap<>(initialCluster);
  }

  /** Reads {@code akka-etcd.*} from {@code c} (which must include application.conf's defaults). */
  public static MemberConfig from(Config c) {
    try {
      return build(c);
    } catch (ConfigException.Missing | ConfigException.WrongType e) {
      throw new EtcdConfigException("error verifying flags, " + e.getMessage() + ". See 'etcd --help'.");
    }
  }

  private static MemberConfig build(Config c) {
    String name = str(c, "name");
    String dataDirText = str(c, "data-dir");
    Path dataDir = Path.of(dataDirText.isEmpty() ? name + ".etcd" : dataDirText);

    List<URI> lpurls = urls(c, "listen-peer-urls");
    List<URI> lcurls = urls(c, "listen-client-urls");
    List<URI> apurls = urls(c, "initial-advertise-peer-urls");
    List<URI> acurls = urls(c, "advertise-client-urls");

    String state = str(c, "initial-cluster-state");
    if (!state.equals("new") && !state.equals("existing")) {
      throw verify("invalid value " + GoValues.quote(state) + " for " + EtcdFlags.KEY_PREFIX + "initial-cluster-state: invalid value");
    }
    String token = str(c, "initial-cluster-token");

    long tick = num(c, "heartbeat-interval");
    long election = num(c, "election-timeout");
    if (tick <= 0) {
      throw verify("--heartbeat-interval must be >0 (set to " + tick + "ms)");
    }
    if (election <= 0) {
      throw verify("--election-timeout must be >0 (set to " + election + "ms)");
    }
    if (5 * tick > election) {
      throw verify("--election-timeout[" + election + "ms] should be at least as 5 times as --heartbeat-interval[" + tick + "ms]");
    }
    if (election > MAX_ELECTION_MS) {
      throw verify("--election-timeout[" + election + "ms] is too long, and should be set less than " + MAX_ELECTION_MS + "ms");
    }

    long snapshotCount = nonNegative(c, "snapshot-count");
    long quota = num(c, "quota-backend-bytes");
    int maxRequestBytes = intRange(c, "max-request-bytes");
    int maxTxnOps = intRange(c, "max-txn-ops");
    long maxConcurrentStreams = nonNegative(c, "max-concurrent-streams");
    String metrics = str(c, "metrics");
    List<URI> lmurls = str(c, "listen-metrics-urls").isEmpty() ? List.of() : urls(c, "listen-metrics-urls");
    Set<String> cors = new java.util.LinkedHashSet<>();
    for (String origin : str(c, "cors").split(",")) {
      if (!origin.isBlank()) cors.add(origin.strip());
    }
    if (cors.isEmpty()) cors.add("*");
    for (URI u : lmurls) {
      if (!u.getScheme().equals("http") && !u.getScheme().equals("https")) {
        throw verify("--listen-metrics-urls " + u + ": only http and https metrics listeners are supported");
      }
    }

    String mode = str(c, "auto-compaction-mode");
    if (mode.isEmpty()) mode = "periodic";
    if (!mode.equals("periodic") && !mode.equals("revision")) {
      throw verify("unknown auto-compaction-mode " + GoValues.quote(mode));
    }
    String retention = str(c, "auto-compaction-retention");
    if (retention.isEmpty()) retention = "0";
    checkRetention(retention);

    String logLevel = str(c, "log-level");
    if (!LOG_LEVELS.contains(logLevel)) {
      throw verify("unknown log-level " + GoValues.quote(logLevel) + ", only supports debug, info, warn, error, panic, or fatal");
    }

    String clusterText = str(c, "initial-cluster");
    LinkedHashMap<String, List<URI>> cluster;
    if (clusterText.isEmpty()) {
      cluster = new LinkedHashMap<>();
      cluster.put(name, apurls);
    } else {
      cluster = parseInitialCluster(clusterText);
    }
    verifyBootstrap(name, apurls, cluster);

    return new MemberConfig(name, dataDir, lcurls, acurls, lpurls, apurls, cluster, state, token,
        (int) tick, (int) election, snapshotCount, quota, maxRequestBytes, maxTxnOps, maxConcurrentStreams, metrics, lmurls, cors, c.getBoolean(EtcdFlags.KEY_PREFIX + "enable-pprof"), mode, retention,
        logLevel);
  }

  /** --wal-dir: where the Raft log is kept; empty means {@code <data-dir>/member/wal}, as etcd's. */
  public static Path walDir(Config c, Path dataDir) {
    String dir = c.hasPath(EtcdFlags.KEY_PREFIX + "wal-dir") ? c.getString(EtcdFlags.KEY_PREFIX + "wal-dir") : "";
    return dir.isEmpty() ? dataDir.resolve("member").resolve("wal") : Path.of(dir);
  }

  /**
   * etcd's types.NewURLsMap: "a=http://x:1,b=http://y:2"; a name given twice collects every URL. Errors
   * are etcd's "error setting up initial cluster: ...".
   */
  public static LinkedHashMap<String, List<URI>> parseInitialCluster(String text) {
    LinkedHashMap<String, List<URI>> out = new LinkedHashMap<>();
    for (String pair : text.split(",", -1)) {
      if (pair.isEmpty()) continue; // url.ParseQuery skips empty pairs
      int eq = pair.indexOf('=');
      String n = eq < 0 ? pair : pair.substring(0, eq);
      String u = eq < 0 ? "" : pair.substring(eq + 1);
      URI uri;
      try {
        uri = GoValues.parseUrl(u.trim());
      } catch (GoValues.BadValue e) {
        throw new EtcdConfigException("error setting up initial cluster: " + e.getMessage());
      }
      out.computeIfAbsent(n, k -> new ArrayList<>()).add(uri);
    }
    return out;
  }

  /** etcdserver's VerifyBootstrap checks, in its order: local member present, URLs agree, no duplicate URL. */
  private static void verifyBootstrap(String name, List<URI> apurls, Map<String, List<URI>> cluster) {
    List<URI> mine = cluster.get(name);
    if (mine == null) {
      throw new EtcdConfigException("couldn't find local name " + GoValues.quote(name) + " in the initial cluster configuration");
    }
    List<String> a = sortedStrings(apurls);
    List<String> b = sortedStrings(mine);
    if (!a.equals(b)) {
      String why;
      if (a.size() != b.size()) {
        why = "len(" + goSlice(a) + ") != len(" + goSlice(b) + ")";
      } else {
        int i = 0;
        while (a.get(i).equals(b.get(i))) i++;
        why = "resolved urls: " + GoValues.quote(a.get(i)) + " != " + GoValues.quote(b.get(i));
      }
      List<String> missingFromAdvertised = new ArrayList<>();
      for (String u : b) if (!a.contains(u)) missingFromAdvertised.add(name + "=" + u);
      if (!missingFromAdvertised.isEmpty()) {
        throw new EtcdConfigException("--initial-cluster has " + String.join(",", missingFromAdvertised)
            + " but missing from --initial-advertise-peer-urls=" + String.join(",", a) + " (" + why + ")");
      }
      List<String> missingFromCluster = new ArrayList<>();
      for (String u : a) if (!b.contains(u)) missingFromCluster.add(name + "=" + u);
      throw new EtcdConfigException("--initial-advertise-peer-urls has " + String.join(",", missingFromCluster)
          + " but missing from --initial-cluster=" + String.join(",", prefixed(name, b)) + " (" + why + ")");
    }
    Set<String> seen = new HashSet<>();
    for (List<URI> us : cluster.values()) {
      for (URI u : us) {
        if (!seen.add(u.toString())) {
          TreeSet<String> pairs = new TreeSet<>();
          cluster.forEach((n, list) -> list.forEach(x -> pairs.add(n + "=" + x)));
          throw new EtcdConfigException("initial cluster " + String.join(",", pairs) + " has duplicate url");
        }
      }
    }
  }

  /** embed.StartEtcd's reading of auto-compaction-retention: a non-negative integer, else a Go duration. */
  private static void checkRetention(String retention) {
    try {
      if (GoValues.parseInt(retention, false) >= 0 && retention.chars().allMatch(ch -> ch >= '0' && ch <= '9' || ch == '+')) {
        return;
      }
    } catch (GoValues.BadValue ignored) {
      // not an integer: try a duration
    }
    try {
      GoValues.parseDuration(retention);
    } catch (GoValues.BadValue e) {
      throw new EtcdConfigException("error parsing CompactionRetention: " + e.getMessage());
    }
  }

  private static List<String> prefixed(String name, List<String> urls) {
    List<String> out = new ArrayList<>();
    for (String u : urls) out.add(name + "=" + u);
    return out;
  }

  private static List<String> sortedStrings(List<URI> uris) {
    List<String> out = new ArrayList<>();
    for (URI u : uris) out.add(u.toString());
    Collections.sort(out);
    return out;
  }

  private static String goSlice(List<String> xs) {
    List<String> q = new ArrayList<>();
    for (String x : xs) q.add(GoValues.quote(x));
    return "[" + String.join(" ", q) + "]";
  }

  private static EtcdConfigException verify(String message) {
    return new EtcdConfigException("error verifying flags, " + message + ". See 'etcd --help'.");
  }

  private static String str(Config c, String flag) {
    return c.getString(EtcdFlags.KEY_PREFIX + flag);
  }

  private static long num(Config c, String flag) {
    String key = EtcdFlags.KEY_PREFIX + flag;
    String raw = c.getValue(key).unwrapped().toString();
    try {
      return GoValues.parseInt(raw, false);
    } catch (GoValues.BadValue e) {
      throw verify("invalid value " + GoValues.quote(raw) + " for " + key + ": " + e.getMessage());
    }
  }

  private static long nonNegative(Config c, String flag) {
    long v = num(c, flag);
    if (v < 0) throw verify("--" + flag + "[" + v + "] must not be negative");
    return v;
  }

  private static int intRange(Config c, String flag) {
    long v = nonNegative(c, flag);
    if (v > Integer.MAX_VALUE) throw verify("--" + flag + "[" + v + "] is too large, at most " + Integer.MAX_VALUE);
    return (int) v;
  }

  private static List<URI> urls(Config c, String flag) {
    String key = EtcdFlags.KEY_PREFIX + flag;
    String raw = c.getString(key);
    try {
      return GoValues.parseUrls(raw);
    } catch (GoValues.BadValue e) {
      throw verify("invalid value " + GoValues.quote(raw) + " for " + key + ": " + e.getMessage());
    }
  }

}
