package io.akkaetcd.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's command line and {@code ETCD_*} environment, read the way etcd 3.4's etcdmain does (Go's flag
 * package, then pkg/flags.SetFlagsFromEnv), mapped onto {@code akka-etcd.<flag-name>} config keys.
 *
 * <p>Go flag syntax: {@code -flag}, {@code --flag}, {@code -flag=value}, {@code --flag value} (not for
 * booleans: {@code --enable-v2 false} leaves "false" as a stray argument), {@code --} ends the flags,
 * the first non-flag argument ends them too. A flag set twice keeps the last value.
 */
public final class EtcdFlags {
  private EtcdFlags() {}

  public static final String ENV_PREFIX = "ETCD_";
  public static final String KEY_PREFIX = "akka-etcd.";

  private static final Logger log = LoggerFactory.getLogger("etcdmain");

  enum Type { STRING, BOOL, UINT, INT, INT64, DURATION, URLS, CHOICE }

  /** One flag: its Go type, the section and default {@code --help} shows, and its help line. */
  record Flag(String name, Type type, String section, String shownDefault, String help, Set<String> choices) {
    String key() {
      return KEY_PREFIX + name;
    }

    String envName() {
      return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
  }

  private static final Map<String, Flag> FLAGS = new LinkedHashMap<>();

  private static void def(String section, String name, Type type, String shownDefault, String help, String... choices) {
    FLAGS.put(name, new Flag(name, type, section, shownDefault, help, Set.of(choices)));
  }

  static {
    String m = "Member", c = "Clustering", s = "Security", a = "Auth", l = "Logging",
        p = "Profiling and Monitoring", x = "Experimental feature", u = "Unsafe feature";
    def(m, "name", Type.STRING, "default", "Human-readable name for this member.");
    def(m, "data-dir", Type.STRING, "${name}.etcd", "Path to the data directory.");
    def(m, "wal-dir", Type.STRING, "", "Path to the dedicated wal directory.");
    def(m, "snapshot-count", Type.UINT, "100000", "Number of committed transactions to trigger a snapshot to disk.");
    def(m, "heartbeat-interval", Type.UINT, "100", "Time (in milliseconds) of a heartbeat interval.");
    def(m, "election-timeout", Type.UINT, "1000", "Time (in milliseconds) for an election to timeout.");
    def(m, "initial-election-tick-advance", Type.BOOL, "true", "Whether to fast-forward initial election ticks on boot for faster election.");
    def(m, "listen-peer-urls", Type.URLS, "http://localhost:2380", "List of URLs to listen on for peer traffic.");
    def(m, "listen-client-urls", Type.URLS, "http://localhost:2379", "List of URLs to listen on for client traffic.");
    def(m, "max-snapshots", Type.UINT, "5", "Maximum number of snapshot files to retain (0 is unlimited).");
    def(m, "max-wals", Type.UINT, "5", "Maximum number of wal files to retain (0 is unlimited).");
    def(m, "quota-backend-bytes", Type.INT64, "2147483648", "Raise alarms when backend size exceeds the given quota.");
    def(m, "max-txn-ops", Type.UINT, "128", "Maximum number of operations permitted in a transaction.");
    def(m, "max-request-bytes", Type.UINT, "1572864", "Maximum client request size in bytes the server will accept.");
    def(m, "max-concurrent-streams", Type.UINT, "4294967295", "Maximum concurrent streams that each client can open at a time.");
    def(m, "grpc-keepalive-min-time", Type.DURATION, "5s", "Minimum duration interval that a client should wait before pinging server.");
    def(m, "grpc-keepalive-interval", Type.DURATION, "2h", "Frequency duration of server-to-client ping to check if a connection is alive (0 to disable).");
    def(m, "backend-batch-interval", Type.DURATION, "0s", "BackendBatchInterval is the maximum time before commit the backend transaction.");
    def(m, "backend-batch-limit", Type.INT, "0", "BackendBatchLimit is the maximum operations before commit the backend transaction.");
    def(m, "config-file", Type.STRING, "", "Path to the server configuration file. Note that if a configuration file is provided, other command line flags and environment variables will be ignored.");
    def(m, "grpc-keepalive-timeout", Type.DURATION, "20s", "Additional duration of wait before closing a non-responsive connection (0 to disable).");

    def(c, "initial-advertise-peer-urls", Type.URLS, "http://localhost:2380", "List of this member's peer URLs to advertise to the rest of the cluster.");
    def(c, "initial-cluster", Type.STRING, "default=http://localhost:2380", "Initial cluster configuration for bootstrapping.");
    def(c, "initial-cluster-state", Type.CHOICE, "new", "Initial cluster state ('new' or 'existing').", "new", "existing");
    def(c, "initial-cluster-token", Type.STRING, "etcd-cluster", "Initial cluster token for the etcd cluster during bootstrap.");
    def(c, "advertise-client-urls", Type.URLS, "http://localhost:2379", "List of this member's client URLs to advertise to the public.");
    def(c, "discovery", Type.STRING, "", "Discovery URL used to bootstrap the cluster.");
    def(c, "discovery-fallback", Type.CHOICE, "proxy", "Expected behavior ('exit' or 'proxy') when discovery services fails.", "exit", "proxy");
    def(c, "discovery-proxy", Type.STRING, "", "HTTP proxy to use for traffic to discovery service.");
    def(c, "discovery-srv", Type.STRING, "", "DNS srv domain used to bootstrap the cluster.");
    def(c, "discovery-srv-name", Type.STRING, "", "Suffix to the dns srv name queried when bootstrapping.");
    // etcd 3.6's v3 discovery
    def(c, "discovery-token", Type.STRING, "", "V3 discovery: discovery token for the etcd cluster to be bootstrapped.");
    def(c, "discovery-endpoints", Type.STRING, "", "V3 discovery: List of gRPC endpoints of the discovery service.");
    def(c, "discovery-dial-timeout", Type.DURATION, "2s", "V3 discovery: dial timeout for client connections.");
    def(c, "discovery-request-timeout", Type.DURATION, "5s", "V3 discovery: timeout for discovery requests (excluding dial timeout).");
    def(c, "discovery-keepalive-time", Type.DURATION, "2s", "V3 discovery: keepalive time for client connections.");
    def(c, "discovery-keepalive-timeout", Type.DURATION, "6s", "V3 discovery: keepalive timeout for client connections.");
    def(c, "discovery-insecure-transport", Type.BOOL, "true", "V3 discovery: disable transport security for client connections.");
    def(c, "discovery-insecure-skip-tls-verify", Type.BOOL, "false", "V3 discovery: skip server certificate verification (CAUTION: this option should be enabled only for testing purposes).");
    def(c, "discovery-cert", Type.STRING, "", "V3 discovery: identify secure client using this TLS certificate file.");
    def(c, "discovery-key", Type.STRING, "", "V3 discovery: identify secure client using this TLS key file.");
    def(c, "discovery-cacert", Type.STRING, "", "V3 discovery: verify certificates of TLS-enabled secure servers using this CA bundle.");
    def(c, "discovery-user", Type.STRING, "", "V3 discovery: username[:password] for authentication (prompt if password is not supplied).");
    def(c, "discovery-password", Type.STRING, "", "V3 discovery: password for authentication (if this option is used, --user option shouldn't include password).");
    def(c, "strict-reconfig-check", Type.BOOL, "true", "Reject reconfiguration requests that would cause quorum loss.");
    def(c, "pre-vote", Type.BOOL, "false", "Enable to run an additional Raft election phase.");
    def(c, "auto-compaction-retention", Type.STRING, "0", "Auto compaction retention length. 0 means disable auto compaction.");
    def(c, "auto-compaction-mode", Type.STRING, "periodic", "Interpret 'auto-compaction-retention' one of: periodic|revision.");
    def(c, "enable-v2", Type.BOOL, "false", "Accept etcd V2 client requests (accepted, not served).");

    def(m, "cors", Type.STRING, "", "Comma-separated whitelist of origins for CORS, or cross-origin resource sharing, (empty or * means allow all).");
    def(m, "host-whitelist", Type.STRING, "*", "Acceptable hostnames from HTTP client requests, if server is not secure (empty means allow all).");

    def(s, "cert-file", Type.STRING, "", "Path to the client server TLS cert file.");
    def(s, "key-file", Type.STRING, "", "Path to the client server TLS key file.");
    def(s, "client-cert-auth", Type.BOOL, "false", "Enable client cert authentication.");
    def(s, "client-crl-file", Type.STRING, "", "Path to the client certificate revocation list file.");
    def(s, "trusted-ca-file", Type.STRING, "", "Path to the client server TLS trusted CA cert file.");
    def(s, "auto-tls", Type.BOOL, "false", "Client TLS using generated certificates.");
    def(s, "client-cert-allowed-hostname", Type.STRING, "", "Allowed TLS hostname for client cert authentication.");
    def(s, "peer-cert-file", Type.STRING, "", "Path to the peer server TLS cert file.");
    def(s, "peer-key-file", Type.STRING, "", "Path to the peer server TLS key file.");
    def(s, "peer-client-cert-auth", Type.BOOL, "false", "Enable peer client cert authentication.");
    def(s, "peer-trusted-ca-file", Type.STRING, "", "Path to the peer server TLS trusted CA file.");
    def(s, "peer-cert-allowed-cn", Type.STRING, "", "Required CN for client certs connecting to the peer endpoint.");
    def(s, "peer-cert-allowed-hostname", Type.STRING, "", "Allowed TLS hostname for inter peer authentication.");
    def(s, "peer-auto-tls", Type.BOOL, "false", "Peer TLS using self-generated certificates if --peer-key-file and --peer-cert-file are not provided.");
    def(s, "peer-crl-file", Type.STRING, "", "Path to the peer certificate revocation list file.");
    def(s, "self-signed-cert-validity", Type.UINT, "1", "The validity period of the client and peer certificates that are automatically generated by etcd, the unit is year.");
    def(s, "cipher-suites", Type.STRING, "", "Comma-separated list of supported TLS cipher suites between client/server and peers (empty will be auto-populated by Go).");

    def(a, "auth-token", Type.STRING, "simple", "Specify a v3 authentication token type and its options ('simple' or 'jwt').");
    def(a, "auth-token-ttl", Type.UINT, "300", "Time (in seconds) of the auth-token-ttl.");
    def(a, "bcrypt-cost", Type.UINT, "10", "Specify the cost / strength of the bcrypt algorithm for hashing auth passwords.");

    def(p, "enable-pprof", Type.BOOL, "false", "Enable runtime profiling data via HTTP server.");
    def(p, "metrics", Type.STRING, "basic", "Set level of detail for exported metrics, specify 'extensive' to include server side grpc histogram metrics.");
    def(p, "listen-metrics-urls", Type.URLS, "", "List of URLs to listen on for the metrics and health endpoints.");

    def(l, "debug", Type.BOOL, "false", "Enable debug-level logging for etcd. [WARN] Will be deprecated in v3.5. Use '--log-level=debug' instead.");
    def(l, "log-package-levels", Type.STRING, "", "Specify a particular log level for each etcd package (eg: 'etcdmain=CRITICAL,etcdserver=DEBUG').");
    def(l, "logger", Type.STRING, "zap", "Currently only supports 'zap' for structured logging.");
    def(l, "log-outputs", Type.STRING, "default", "Specify 'stdout' or 'stderr' to skip journald logging even when running under systemd, or list of comma separated output targets.");
    def(l, "log-level", Type.STRING, "info", "Configures log level. Only supports debug, info, warn, error, panic, or fatal.");

    def(x, "experimental-initial-corrupt-check", Type.BOOL, "false", "Enable to check data corruption before serving any client/peer traffic.");
    def(x, "experimental-corrupt-check-time", Type.DURATION, "0s", "Duration of time between cluster corruption check passes.");
    def(x, "experimental-compact-hash-check-enabled", Type.BOOL, "false", "Enable leader to periodically check followers compaction hashes.");
    def(x, "experimental-enable-v2v3", Type.STRING, "", "Serve v2 requests through the v3 backend under a given prefix.");
    def(x, "experimental-enable-lease-checkpoint", Type.BOOL, "false", "Enable leader to send regular checkpoints to other members to prevent reset of remaining TTL on leader change.");
    def(x, "experimental-compaction-batch-limit", Type.INT, "1000", "Sets the maximum revisions deleted in each compaction batch.");
    def(x, "experimental-backend-bbolt-freelist-type", Type.STRING, "map", "Specifies the type of freelist that boltdb backend uses (array and map are supported types).");
    def(x, "experimental-peer-skip-client-san-verification", Type.BOOL, "false", "Skip verification of SAN field in client certificate for peer connections.");
    def(x, "experimental-watch-progress-notify-interval", Type.DURATION, "10m", "Duration of periodical watch progress notifications.");
    def(x, "experimental-warning-apply-duration", Type.DURATION, "100ms", "Time duration after which a warning is generated if request takes more time.");
    def(x, "experimental-txn-mode-write-with-shared-buffer", Type.BOOL, "true", "Enable the write transaction to use a shared buffer in its readonly check operations.");
    def(x, "experimental-memory-mlock", Type.BOOL, "false", "Enable to enforce etcd pages (in particular bbolt) to stay in RAM.");
    def(x, "experimental-wait-cluster-ready-timeout", Type.DURATION, "5s", "Maximum duration to wait for the cluster to be ready.");

    String v2 = "v2 Proxy (to be deprecated in v4)";
    def(v2, "proxy", Type.STRING, "off", "Proxy mode setting ('off', 'readonly' or 'on').");
    def(v2, "proxy-failure-wait", Type.UINT, "5000", "Time (in milliseconds) an endpoint will be held in a failed state.");
    def(v2, "proxy-refresh-interval", Type.UINT, "30000", "Time (in milliseconds) of the endpoints refresh interval.");
    def(v2, "proxy-dial-timeout", Type.UINT, "1000", "Time (in milliseconds) for a dial to timeout.");
    def(v2, "proxy-write-timeout", Type.UINT, "5000", "Time (in milliseconds) for a write to timeout.");
    def(v2, "proxy-read-timeout", Type.UINT, "0", "Time (in milliseconds) for a read to timeout.");

    def(u, "force-new-cluster", Type.BOOL, "false", "Force to create a new one-member cluster.");
    def(u, "unsafe-no-fsync", Type.BOOL, "false", "Disables fsync, unsafe, will cause data loss.");
  }

  /**
   * etcd's flags this member does not serve (yet), each with what the member does instead: set to any
   * other value (by flag or {@code ETCD_*} variable), the member refuses to start and names the flag,
   * rather than accept and ignore it. A flag that comes to work leaves this table.
   */
  private static final Map<String, String> NOT_SERVED = new LinkedHashMap<>();

  private static void notServed(String behavesAs, String... names) {
    for (String n : names) {
      if (!FLAGS.containsKey(n)) throw new IllegalStateException("not a flag: " + n);
      NOT_SERVED.put(n, behavesAs);
    }
  }

  static {
    notServed("", "client-cert-allowed-hostname",
        "log-package-levels", "experimental-enable-v2v3");
    notServed("false", "enable-v2",
        "debug", "experimental-compact-hash-check-enabled",
        "experimental-enable-lease-checkpoint",
        "experimental-memory-mlock", "unsafe-no-fsync");
    notServed("true", "initial-election-tick-advance", "strict-reconfig-check", "pre-vote",
        "experimental-txn-mode-write-with-shared-buffer");
    // Artery's engine provider does not see the connecting address, so peer client SANs are not checked
    notServed("true", "experimental-peer-skip-client-san-verification");
    notServed("5", "max-snapshots", "max-wals");
    notServed("5s", "grpc-keepalive-min-time", "experimental-wait-cluster-ready-timeout");
    notServed("2h", "grpc-keepalive-interval");
    notServed("20s", "grpc-keepalive-timeout");
    notServed("0", "backend-batch-limit");
    notServed("0s", "backend-batch-interval");
    notServed("*", "host-whitelist");
    notServed("off", "proxy");
    notServed("5000", "proxy-failure-wait", "proxy-write-timeout");
    notServed("30000", "proxy-refresh-interval");
    notServed("1000", "proxy-dial-timeout", "experimental-compaction-batch-limit");
    notServed("0", "proxy-read-timeout");
    notServed("map", "experimental-backend-bbolt-freelist-type");
    notServed("100ms", "experimental-warning-apply-duration");
  }

  /** The flags etcd accepts here (name → spec), in {@code --help} order; {@code version} is not among them. */
  static Map<String, Flag> flags() {
    return Collections.unmodifiableMap(FLAGS);
  }

  /** The config key a flag maps to, e.g. {@code data-dir} → {@code akka-etcd.data-dir}. */
  public static String keyOf(String flagName) {
    if (!FLAGS.containsKey(flagName)) throw new IllegalArgumentException("not a flag: " + flagName);
    return KEY_PREFIX + flagName;
  }

  /**
   * Reads the command line and environment. For a plain run, returns the overrides; for anything else
   * ({@code --version}, {@code --help}, an error) throws {@link EtcdConfigException.NotARun} carrying the
   * {@link LaunchRequest}. Warnings and notices are logged. Prefer {@link #request}, which returns the
   * outcome instead.
   */
  public static Config parse(String[] args, Map<String, String> env) {
    LaunchRequest r = request(args, env);
    if (r instanceof LaunchRequest.Run run) {
      run.notices().forEach(n -> log.info(n));
      run.warnings().forEach(w -> log.warn(w));
      return run.overrides();
    }
    throw new EtcdConfigException.NotARun(r);
  }

  /** Reads the command line and the {@code ETCD_*} entries of {@code env}; never prints, never exits. */
  public static LaunchRequest request(String[] args, Map<String, String> env) {
    Map<String, Object> values = new LinkedHashMap<>();
    boolean version = false;
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    // Go's flag.FlagSet.Parse with ContinueOnError; etcd exits 2 on its errors, after the usage text.
    while (!rest.isEmpty()) {
      String s = rest.get(0);
      if (s.length() < 2 || s.charAt(0) != '-') break;
      int minuses = 1;
      if (s.charAt(1) == '-') {
        minuses = 2;
        if (s.length() == 2) {
          rest.remove(0);
          break;
        }
      }
      String name = s.substring(minuses);
      if (name.isEmpty() || name.charAt(0) == '-' || name.charAt(0) == '=') {
        return usageError("bad flag syntax: " + s);
      }
      rest.remove(0);
      String value = null;
      int eq = name.indexOf('=', 1);
      if (eq > 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (name.equals("version")) {
        if (value == null) {
          version = true;
        } else {
          try {
            version = GoValues.parseBool(value);
          } catch (GoValues.BadValue e) {
            return usageError("invalid boolean value " + GoValues.quote(value) + " for -version: " + e.getMessage());
          }
        }
        continue;
      }
      Flag flag = FLAGS.get(name);
      if (flag == null) {
        if (name.equals("help") || name.equals("h")) {
          return new LaunchRequest.PrintHelp(usage(), flagsText());
        }
        return usageError("flag provided but not defined: -" + name);
      }
      if (flag.type() == Type.BOOL) {
        if (value == null) {
          values.put(flag.key(), Boolean.TRUE);
        } else {
          try {
            values.put(flag.key(), GoValues.parseBool(value));
          } catch (GoValues.BadValue e) {
            return usageError("invalid boolean value " + GoValues.quote(value) + " for -" + name + ": " + e.getMessage());
          }
        }
        continue;
      }
      if (value == null) {
        if (rest.isEmpty()) return usageError("flag needs an argument: -" + name);
        value = rest.remove(0);
      }
      try {
        values.put(flag.key(), convert(flag, value));
      } catch (GoValues.BadValue e) {
        return usageError("invalid value " + GoValues.quote(value) + " for flag -" + name + ": " + e.getMessage());
      }
    }
    if (!rest.isEmpty()) {
      return verifyError("'" + rest.get(0) + "' is not a valid flag");
    }
    if (version) {
      return new LaunchRequest.PrintVersion(Version.versionText());
    }
    // etcdmain reads ETCD_CONFIG_FILE on its own; with a file, every other flag and variable is ignored
    Object configFile = values.get(KEY_PREFIX + "config-file");
    if (configFile == null || configFile.toString().isEmpty()) configFile = env.getOrDefault(ENV_PREFIX + "CONFIG_FILE", "");
    if (!configFile.toString().isEmpty()) {
      return fromConfigFile(configFile.toString());
    }

    // pkg/flags.SetFlagsFromEnv: flags in name order, each from ETCD_<NAME> unless set on the command line.
    List<String> warnings = new ArrayList<>();
    List<String> notices = new ArrayList<>();
    Map<String, String> byEnv = new TreeMap<>();
    for (Flag f : FLAGS.values()) byEnv.put(f.envName(), f.name());
    byEnv.put("ETCD_VERSION", "version");
    java.util.Set<String> fromArgs = new java.util.HashSet<>(values.keySet());
    Map<String, Flag> sorted = new TreeMap<>(FLAGS);
    for (Flag f : sorted.values()) {
      String v = env.get(f.envName());
      if (v == null || v.isEmpty() || values.containsKey(f.key())) continue;
      try {
        values.put(f.key(), convert(f, v));
      } catch (GoValues.BadValue e) {
        return verifyError("invalid value " + GoValues.quote(v) + " for " + f.envName() + ": " + e.getMessage());
      }
      notices.add("recognized and used environment variable " + f.envName() + "=" + v);
    }
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String k = e.getKey();
      if (!k.startsWith(ENV_PREFIX)) continue;
      String flagName = byEnv.get(k);
      if (flagName == null) {
        warnings.add("unrecognized environment variable " + k + "=" + e.getValue());
      } else if (fromArgs.contains(KEY_PREFIX + flagName) && !e.getValue().isEmpty()) {
        // etcd 3.4 refuses to start here; akka-etcd lets the flag win, as application.conf documents.
        warnings.add("conflicting environment variable " + GoValues.quote(k)
            + " is shadowed by corresponding command-line flag (either unset environment variable or disable flag)");
      }
    }
    return new LaunchRequest.Run(ConfigFactory.parseMap(values, "etcd flags and ETCD_* environment"), warnings, notices);
  }

  private static LaunchRequest fromConfigFile(String path) {
    Map<String, Object> values;
    try {
      values = new LinkedHashMap<>(EtcdConfigFile.read(java.nio.file.Path.of(path)));
    } catch (EtcdConfigFile.Refused r) {
      return r.verifying ? verifyError(r.getMessage()) : new LaunchRequest.Fail(r.getMessage(), 1, false);
    }
    values.put(KEY_PREFIX + "config-file", path);
    String loaded = "Loading server configuration from " + GoValues.quote(path)
        + ". Other configuration command line flags and environment variables will be ignored if provided.";
    return new LaunchRequest.Run(ConfigFactory.parseMap(values, "etcd config file " + path), List.of(), List.of(loaded));
  }

  /**
   * Refuses, as etcd refuses a bad flag (exit 1), a configuration that sets a flag this member does not
   * serve to anything but what it does; {@code c} is the whole configuration (flags, ETCD_* variables,
   * application.conf), so a key set in a release's conf/application.conf is caught too.
   */
  public static void refuseNotServed(Config c) {
    List<String> tolerated = refuseNotServed(c, Set.of());
    assert tolerated.isEmpty();
  }

  /**
   * As {@link #refuseNotServed(Config)}, but a flag named in {@code tolerated} (bin/etcd reads them from
   * {@code AKKA_ETCD_TOLERATE_UNSERVED}, which only conformance/etcd-e2e.sh sets: etcd's suite passes
   * --peer-auto-tls to nearly every test) is let through; returns a warning for each such flag.
   */
  public static List<String> refuseNotServed(Config c, Set<String> tolerated) {
    List<String> warnings = new ArrayList<>();
    for (Map.Entry<String, String> e : NOT_SERVED.entrySet()) {
      String key = KEY_PREFIX + e.getKey();
      if (!c.hasPath(key)) continue;
      String set = c.getValue(key).unwrapped().toString();
      if (sameSetting(set, e.getValue())) continue;
      String what = "--" + e.getKey() + " (" + FLAGS.get(e.getKey()).envName() + ") is set to " + GoValues.quote(set)
          + ", which akka-etcd does not serve: it runs as with " + GoValues.quote(e.getValue());
      if (tolerated.contains(e.getKey())) {
        warnings.add(what + " (tolerated by AKKA_ETCD_TOLERATE_UNSERVED)");
      } else {
        throw new EtcdConfigException("error verifying flags, " + what + ". See 'etcd --help'.");
      }
    }
    return warnings;
  }

  /** A Go duration flag's value (already checked when read) in nanoseconds. */
  public static long goDurationNanos(String value) {
    try {
      return GoValues.parseDuration(value);
    } catch (GoValues.BadValue e) {
      throw new EtcdConfigException("error verifying flags, invalid duration " + GoValues.quote(value) + ". See 'etcd --help'.");
    }
  }

  /** A setting equal to what the member does: the same text, number or duration. */
  private static boolean sameSetting(Object set, String behavesAs) {
    String text = set.toString();
    if (text.equals(behavesAs)) return true;
    try {
      return GoValues.parseDuration(text) == GoValues.parseDuration(behavesAs);
    } catch (GoValues.BadValue | RuntimeException e) {
      return false;
    }
  }

  /** The flags refused unless set to what the member does (name → that value), for tests and docs. */
  static Map<String, String> notServed() {
    return Collections.unmodifiableMap(NOT_SERVED);
  }

  private static Object convert(Flag f, String v) throws GoValues.BadValue {
    switch (f.type()) {
      case BOOL:
        return GoValues.parseBool(v);
      case UINT:
        return GoValues.parseInt(v, true);
      case INT:
        long n = GoValues.parseInt(v, false);
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) throw new GoValues.BadValue(GoValues.RANGE_ERROR);
        return n;
      case INT64:
        return GoValues.parseInt(v, false);
      case DURATION:
        try {
          GoValues.parseDuration(v);
        } catch (GoValues.BadValue e) {
          throw new GoValues.BadValue(GoValues.PARSE_ERROR);
        }
        return v;
      case URLS:
        GoValues.parseUrls(v);
        return v;
      case CHOICE:
        if (!f.choices().contains(v)) throw new GoValues.BadValue("invalid value");
        return v;
      default:
        return v;
    }
  }

  private static LaunchRequest.Fail usageError(String message) {
    return new LaunchRequest.Fail(message, 2, true);
  }

  private static LaunchRequest.Fail verifyError(String message) {
    return new LaunchRequest.Fail("error verifying flags, " + message + ". See 'etcd --help'.", 1, false);
  }

  /** The short usage etcd prints to stderr before {@code --help}'s flag list and after a flag error. */
  public static String usage() {
    return "Usage:\n"
        + "\n"
        + "  etcd [flags]\n"
        + "    Start an etcd server.\n"
        + "\n"
        + "  etcd --version\n"
        + "    Show the version of etcd.\n"
        + "\n"
        + "  etcd -h | --help\n"
        + "    Show the help information about etcd.\n"
        + "\n";
  }

  /** The flag list {@code --help} prints to stdout, grouped as etcd groups it. */
  public static String flagsText() {
    StringBuilder b = new StringBuilder();
    String section = null;
    for (Flag f : FLAGS.values()) {
      if (!f.section().equals(section)) {
        section = f.section();
        b.append('\n').append(section).append(":\n");
      }
      b.append("  --").append(f.name()).append(" '").append(f.shownDefault()).append("'\n");
      b.append("    ").append(f.help()).append('\n');
      String behavesAs = NOT_SERVED.get(f.name());
      if (behavesAs != null) {
        b.append("    [akka-etcd: not served; refused at start unless '").append(behavesAs).append("']\n");
      }
    }
    b.append("\nCAUTIOUS with unsafe flag! It may break the guarantees given by the consensus protocol!\n");
    b.append("\nEvery flag can also be set as an environment variable: ETCD_ and the flag name upper-cased,\n"
        + "'-' replaced by '_' (e.g. ETCD_DATA_DIR); a command-line flag wins over its variable.\n");
    return b.toString();
  }
}
