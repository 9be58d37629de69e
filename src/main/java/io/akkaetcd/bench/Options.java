package io.akkaetcd.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Command line of {@code bin/benchmark}, named after etcd's {@code tools/benchmark} flags. Flags may
 * stand before or after the sub-command, as {@code --flag value} or {@code --flag=value}; boolean
 * flags take no value (or {@code =true|false}).
 */
public final class Options {

  public static final List<String> COMMANDS =
      List.of("put", "range", "txn-put", "watch", "lease-keepalive", "gateway-put", "gateway-range");

  public String command;
  /** Positional arguments after the sub-command (range: key [end]). */
  public final List<String> args = new ArrayList<>();

  public List<String> endpoints = List.of("127.0.0.1:2379");
  public int conns = 1;
  public int clients = 1;
  /** Requests to send; {@code -1} means the sub-command's default (etcd's is 10000). */
  public long total = -1;
  /** Run for this many seconds instead of {@code total} requests; 0 means off. */
  public double durationSec = 0;
  public int keySize = 8;
  public int valSize = 8;
  public int keySpaceSize = 1;
  public boolean sequentialKeys = false;
  /** Range consistency: "l" linearizable or "s" serializable. */
  public String consistency = "l";
  public boolean targetLeader = false;
  public int txnOps = 1;
  /** Watch: watchers in all, spread over {@code streams} bidi streams. */
  public int watchers = 100;
  public int streams = 10;
  public long putTotal = 10000;
  /**
   * Unmeasured load from the same clients before the clock starts, so that the JVM's JIT is done
   * compiling the client's hot path: a count of requests ({@code --warmup 5000}) or a time ({@code
   * --warmup 2s}); {@code --warmup 0} measures from a cold start as etcd's Go tool does.
   */
  public long warmupCount = 0;
  public double warmupSec = 2;
  /** --user name:password: Authenticate once, then send the token with every call (etcd's clientv3 does). */
  public String user = null;
  /** --cacert FILE: https endpoints, servers verified against this CA (PEM). */
  public String cacert = null;
  public boolean json = false;
  public boolean help = false;

  public long totalOr(long dflt) {
    return total >= 0 ? total : dflt;
  }

  public static Options parse(String... argv) {
    Options o = new Options();
    boolean httpsEndpoints = false;
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      if (a.equals("--")) {
        for (i++; i < argv.length; i++) o.positional(argv[i]);
        break;
      }
      if (a.equals("-h") || a.equals("--help")) {
        o.help = true;
        continue;
      }
      if (!a.startsWith("--") || a.length() == 2) {
        o.positional(a);
        continue;
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (isBoolean(name)) {
        boolean b = value == null || parseBool(name, value);
        switch (name) {
          case "sequential-keys" -> o.sequentialKeys = b;
          case "target-leader" -> o.targetLeader = b;
          case "json" -> o.json = b;
          default -> throw new IllegalStateException(name);
        }
        continue;
      }
      if (!VALUE_FLAGS.contains(name)) throw new IllegalArgumentException("unknown flag: --" + name);
      if (value == null) {
        if (i + 1 >= argv.length) throw new IllegalArgumentException("flag needs an argument: --" + name);
        value = argv[++i];
      }
      switch (name) {
        case "endpoints" -> {
          o.endpoints = parseEndpoints(value);
          httpsEndpoints = value.contains("https://");
        }
        case "conns" -> o.conns = positiveInt(name, value);
        case "clients" -> o.clients = positiveInt(name, value);
        case "total" -> o.total = nonNegativeLong(name, value);
        case "duration" -> o.durationSec = parseDuration(value);
        case "key-size" -> o.keySize = positiveInt(name, value);
        case "val-size" -> o.valSize = nonNegativeInt(name, value);
        case "key-space-size" -> o.keySpaceSize = positiveInt(name, value);
        case "consistency" -> {
          String c = value.toLowerCase(Locale.ROOT);
          if (!c.equals("l") && !c.equals("s"))
            throw new IllegalArgumentException("--consistency must be l or s, got " + value);
          o.consistency = c;
        }
        case "txn-ops" -> o.txnOps = positiveInt(name, value);
        case "watchers" -> o.watchers = positiveInt(name, value);
        case "streams" -> o.streams = positiveInt(name, value);
        case "put-total" -> o.putTotal = nonNegativeLong(name, value);
        case "user" -> {
          if (value.indexOf(':') <= 0) throw new IllegalArgumentException("--user takes name:password, got " + value);
          o.user = value;
        }
        case "cacert" -> o.cacert = value;
        case "warmup" -> {
          if (value.trim().matches("\\d+")) {
            o.warmupCount = nonNegativeLong(name, value);
            o.warmupSec = 0;
          } else {
            o.warmupSec = parseDuration(value);
            o.warmupCount = 0;
          }
        }
        default -> throw new IllegalArgumentException("unknown flag: --" + name);
      }
    }
    if (!o.help) {
      if (httpsEndpoints && o.cacert == null) {
        throw new IllegalArgumentException("https endpoints need --cacert (the CA that signed the server's certificate)");
      }
      if (o.command == null) throw new IllegalArgumentException("missing sub-command, one of " + COMMANDS);
      if (o.command.equals("range") || o.command.equals("gateway-range")) {
        if (o.args.isEmpty()) throw new IllegalArgumentException(o.command + " needs a key: range <key> [end]");
        if (o.args.size() > 2) throw new IllegalArgumentException("range takes <key> [end], got " + o.args);
      } else if (!o.args.isEmpty()) {
        throw new IllegalArgumentException(o.command + " takes no arguments, got " + o.args);
      }
      if (o.command.equals("watch") && o.streams > o.watchers) o.streams = o.watchers;
    }
    return o;
  }

  private static final java.util.Set<String> VALUE_FLAGS = java.util.Set.of(
      "endpoints", "conns", "clients", "total", "duration", "key-size", "val-size", "key-space-size",
      "consistency", "txn-ops", "watchers", "streams", "put-total", "warmup", "user", "cacert");

  private void positional(String a) {
    if (command == null) {
      if (!COMMANDS.contains(a))
        throw new IllegalArgumentException("unknown sub-command: " + a + " (one of " + COMMANDS + ")");
      command = a;
    } else {
      args.add(a);
    }
  }

  private static boolean isBoolean(String name) {
    return name.equals("sequential-keys") || name.equals("target-leader") || name.equals("json");
  }

  private static boolean parseBool(String name, String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new IllegalArgumentException("--" + name + " takes true or false, got " + v);
    };
  }

  /** "a:1,http://b:2" to ["a:1","b:2"]; a bare host gets etcd's client port 2379. */
  static List<String> parseEndpoints(String v) {
    List<String> out = new ArrayList<>();
    for (String e : v.split(",")) {
      e = e.trim();
      if (e.isEmpty()) continue;
      // https:// needs --cacert (checked by parse), which turns TLS on for every endpoint
      if (e.startsWith("https://")) e = e.substring("https://".length());
      if (e.startsWith("http://")) e = e.substring("http://".length());
      int slash = e.indexOf('/');
      if (slash >= 0) e = e.substring(0, slash);
      if (hostPort(e) == null) e = e + ":2379";
      out.add(e);
    }
    if (out.isEmpty()) throw new IllegalArgumentException("--endpoints is empty");
    return List.copyOf(out);
  }

  /** Splits "host:port" (or "[v6]:port"); null when there is no port. */
  static String[] hostPort(String e) {
    int colon = e.lastIndexOf(':');
    if (colon <= 0 || (e.startsWith("[") && !e.substring(0, colon).endsWith("]"))) return null;
    String host = e.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    try {
      int port = Integer.parseInt(e.substring(colon + 1));
      return new String[] {host, Integer.toString(port)};
    } catch (NumberFormatException ex) {
      return null;
    }
  }

  /** Seconds, or a Go-style duration: "10", "10s", "1.5s", "500ms", "2m". */
  static double parseDuration(String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    double mult = 1;
    if (s.endsWith("ms")) {
      mult = 0.001;
      s = s.substring(0, s.length() - 2);
    } else if (s.endsWith("s")) {
      s = s.substring(0, s.length() - 1);
    } else if (s.endsWith("m")) {
      mult = 60;
      s = s.substring(0, s.length() - 1);
    } else if (s.endsWith("h")) {
      mult = 3600;
      s = s.substring(0, s.length() - 1);
    }
    try {
      double d = Double.parseDouble(s) * mult;
      if (d < 0 || Double.isNaN(d)) throw new NumberFormatException();
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad --duration: " + v);
    }
  }

  private static int positiveInt(String name, String v) {
    int n = nonNegativeInt(name, v);
    if (n == 0) throw new IllegalArgumentException("--" + name + " must be > 0");
    return n;
  }

  private static int nonNegativeInt(String name, String v) {
    long n = nonNegativeLong(name, v);
    if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("--" + name + " too large: " + v);
    return (int) n;
  }

  private static long nonNegativeLong(String name, String v) {
    try {
      long n = Long.parseLong(v.trim());
      if (n < 0) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " needs a non-negative integer, got " + v);
    }
  }

  public static String usage() {
    return String.join(
        "\n",
        "Usage: bin/benchmark [flags] <command> [args]",
        "",
        "Commands (modelled on etcd's tools/benchmark):",
        "  put               put keys",
        "  range <key> [end] range a key or [key, end)",
        "  txn-put           txns of --txn-ops puts each",
        "  watch             --watchers on one prefix over --streams streams, then --put-total puts",
        "                    from --clients clients; reports events/s and put-ack -> event latency",
        "  lease-keepalive   keep one lease alive over one stream per client",
        "  gateway-put       put keys over the JSON gateway (POST /v3/kv/put, HTTP/1.1, one connection",
        "                    per client), as curl-driven scripts do",
        "  gateway-range <key> [end]  range over the JSON gateway (POST /v3/kv/range)",
        "",
        "Flags:",
        "  --endpoints list      host:port or http://host:port, comma separated (127.0.0.1:2379)",
        "  --conns n             gRPC connections; clients are spread over them (1)",
        "  --clients n           concurrent requests in flight, one per client (1)",
        "  --total n             requests to send (10000)",
        "  --duration d          run for d (\"10\", \"10s\", \"500ms\") instead of --total",
        "  --key-size n          key size in bytes (8)",
        "  --val-size n          value size in bytes (8)",
        "  --key-space-size n    distinct keys (1)",
        "  --sequential-keys     keys in order instead of at random",
        "  --consistency l|s     range: linearizable or serializable (l)",
        "  --target-leader       send everything to the leader (found with Maintenance.Status)",
        "  --txn-ops n           txn-put: puts per txn (1)",
        "  --watchers n          watch: watchers in all (100)",
        "  --streams n           watch: watch streams (10)",
        "  --put-total n         watch: puts to make (10000)",
        "  --warmup n|d          unmeasured load before the clock starts: n requests or a time d",
        "                        (2s); lets the JIT compile the client; 0 = cold, as etcd's tool",
        "  --user name:password  authenticate first; every call carries the token (gateway: the",
        "                        Authorization header)",
        "  --cacert file         https endpoints; the server certificate verified against this CA",
        "  --json                print the report as JSON instead of text",
        "",
        "The last line of stdout is always a machine-readable summary:",
        "  RESULT op=put clients=100 conns=1 total=20000 ok=... errors=... secs=... rps=... p50_ms=... p99_ms=...",
        "");
  }
}
