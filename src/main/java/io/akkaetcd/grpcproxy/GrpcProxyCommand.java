package io.akkaetcd.grpcproxy;

import io.akkaetcd.config.EtcdConfigException;
import io.akkaetcd.tls.CipherSuites;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code etcd grpc-proxy start} with etcd 3.4's flags and defaults (etcdmain/grpc_proxy.go), parsed as
 * cobra/pflag parse them: {@code --flag value} or {@code --flag=value}, booleans without a value, lists
 * comma-separated, etcd's texts for an unknown flag, a missing or malformed value and the resolver checks.
 * Flags the proxy does not serve (DNS discovery, pprof, ordering, leasing) are refused by name when set.
 */
public final class GrpcProxyCommand {
  private GrpcProxyCommand() {}

  /** What the command line asks for: a proxy to start, text to print (help), or an error and its exit code. */
  public sealed interface Request {}

  public record Start(ProxyOptions options) implements Request {}

  public record Print(String text) implements Request {}

  public record Fail(String message, int exitCode) implements Request {}

  private enum Kind { STRING, BOOL, LIST, INT, UINT32 }

  private static final Map<String, Kind> FLAGS = new HashMap<>();
  private static final Map<String, String> DEFAULTS = new HashMap<>();

  private static void flag(String name, Kind kind, String def) {
    FLAGS.put(name, kind);
    DEFAULTS.put(name, def);
  }

  static {
    flag("listen-addr", Kind.STRING, "127.0.0.1:23790");
    flag("discovery-srv", Kind.STRING, "");
    flag("discovery-srv-name", Kind.STRING, "");
    flag("metrics-addr", Kind.STRING, "");
    flag("insecure-discovery", Kind.BOOL, "false");
    flag("endpoints", Kind.LIST, "127.0.0.1:2379");
    flag("advertise-client-url", Kind.STRING, "127.0.0.1:23790");
    flag("resolver-prefix", Kind.STRING, "");
    flag("resolver-ttl", Kind.INT, "0");
    flag("namespace", Kind.STRING, "");
    flag("enable-pprof", Kind.BOOL, "false");
    flag("data-dir", Kind.STRING, "default.proxy");
    flag("max-send-bytes", Kind.INT, Integer.toString(3 * 512 * 1024));
    flag("max-recv-bytes", Kind.INT, Integer.toString(Integer.MAX_VALUE));
    flag("cert", Kind.STRING, "");
    flag("key", Kind.STRING, "");
    flag("cacert", Kind.STRING, "");
    flag("insecure-skip-tls-verify", Kind.BOOL, "false");
    flag("cert-file", Kind.STRING, "");
    flag("key-file", Kind.STRING, "");
    flag("trusted-ca-file", Kind.STRING, "");
    flag("listen-cipher-suites", Kind.LIST, "");
    flag("auto-tls", Kind.BOOL, "false");
    flag("client-crl-file", Kind.STRING, "");
    flag("experimental-serializable-ordering", Kind.BOOL, "false");
    flag("experimental-leasing-prefix", Kind.STRING, "");
    flag("debug", Kind.BOOL, "false");
    flag("max-concurrent-streams", Kind.UINT32, "4294967295");
    flag("help", Kind.BOOL, "false");
  }

  /** Served nowhere here: refused at start when set to anything but etcd's default. */
  private static final Set<String> NOT_SERVED = Set.of("discovery-srv", "discovery-srv-name", "enable-pprof",
      "experimental-serializable-ordering", "experimental-leasing-prefix");

  static final String GROUP_HELP = """
      grpc-proxy related command

      Usage:
        etcd grpc-proxy [command]

      Available Commands:
        start       start the grpc proxy

      Flags:
        -h, --help   help for grpc-proxy

      Use "etcd grpc-proxy [command] --help" for more information about a command.
      """;

  static final String USAGE = """
      Usage:
        etcd grpc-proxy start [flags]

      Flags:
            --advertise-client-url string          advertise address to register (must be reachable by client) (default "127.0.0.1:23790")
            --auto-tls                             proxy TLS using generated certificates
            --cacert string                        verify certificates of TLS-enabled secure etcd servers using this CA bundle
            --cert string                          identify secure connections with etcd servers using this TLS certificate file
            --cert-file string                     identify secure connections to the proxy using this TLS certificate file
            --client-crl-file string               proxy client certificate revocation list file.
            --data-dir string                      Data directory for persistent data (default "default.proxy")
            --debug                                Enable debug-level logging for grpc-proxy.
            --discovery-srv string                 domain name to query for SRV records describing cluster endpoints [akka-etcd: not served]
            --discovery-srv-name string            service name to query when using DNS discovery [akka-etcd: not served]
            --enable-pprof                         Enable runtime profiling data via HTTP server. Address is at client URL + "/debug/pprof/" [akka-etcd: not served]
            --endpoints strings                    comma separated etcd cluster endpoints (default [127.0.0.1:2379])
            --experimental-leasing-prefix string   leasing metadata prefix for disconnected linearized reads. [akka-etcd: not served]
            --experimental-serializable-ordering   Ensure serializable reads have monotonically increasing store revisions across endpoints. [akka-etcd: not served]
        -h, --help                                 help for start
            --insecure-discovery                   accept insecure SRV records
            --insecure-skip-tls-verify             skip authentication of etcd server TLS certificates (CAUTION: this option should be enabled only for testing purposes)
            --key string                           identify secure connections with etcd servers using this TLS key file
            --key-file string                      identify secure connections to the proxy using this TLS key file
            --listen-addr string                   listen address (default "127.0.0.1:23790")
            --listen-cipher-suites strings         Comma-separated list of supported TLS cipher suites between client/proxy (empty will be auto-populated by Go).
            --max-concurrent-streams uint32        Maximum concurrent streams that each client can open at a time. (default 4294967295)
            --max-recv-bytes int                   message receive limits in bytes (default value is math.MaxInt32) (default 2147483647)
            --max-send-bytes int                   message send limits in bytes (default value is 1.5 MiB) (default 1572864)
            --metrics-addr string                  listen for endpoint /metrics requests on an additional interface
            --namespace string                     string to prefix to all keys for namespacing requests
            --resolver-prefix string               prefix to use for registering proxy (must be shared with other grpc-proxy members)
            --resolver-ttl int                     specify TTL, in seconds, when registering proxy endpoints
            --trusted-ca-file string               verify certificates of TLS-enabled secure proxy using this CA bundle
      """;

  /** {@code args} as after {@code etcd}: {@code grpc-proxy start --flag=value ...}. */
  public static Request parse(List<String> args) {
    List<String> commands = new ArrayList<>();
    Map<String, String> values = new HashMap<>(DEFAULTS);
    for (int i = 1; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--")) break;
      if (!arg.startsWith("-") || arg.equals("-")) {
        commands.add(arg);
        continue;
      }
      if (arg.equals("-h")) {
        values.put("help", "true");
        continue;
      }
      if (!arg.startsWith("--")) {
        return fail("unknown shorthand flag: '" + arg.charAt(1) + "' in " + arg);
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      Kind kind = FLAGS.get(name);
      if (kind == null) return fail("unknown flag: --" + name);
      if (value == null) {
        if (kind == Kind.BOOL) {
          value = "true";
        } else if (i + 1 < args.size()) {
          value = args.get(++i);
        } else {
          return fail("flag needs an argument: --" + name);
        }
      }
      String bad = check(kind, value);
      if (bad != null) return fail("invalid argument \"" + value + "\" for \"--" + name + "\" flag: " + bad);
      values.put(name, value);
    }
    // cobra: a group without (or with an unknown) subcommand prints its help, exit 0
    if (commands.isEmpty() || !commands.get(0).equals("start")) return new Print(GROUP_HELP);
    if (values.get("help").equals("true")) return new Print("start the grpc proxy\n\n" + USAGE);
    return start(values);
  }

  private static Request start(Map<String, String> v) {
    for (String name : NOT_SERVED) {
      if (!v.get(name).equals(DEFAULTS.get(name))) {
        return new Fail("--" + name + " is not served by akka-etcd's grpc-proxy"
            + (name.startsWith("discovery") ? "; give the members with --endpoints" : "") + "\n", 1);
      }
    }
    // etcd's checkArgs
    String prefix = v.get("resolver-prefix");
    int ttl = Integer.parseInt(v.get("resolver-ttl"));
    if (!prefix.isEmpty() && ttl < 1) return new Fail("invalid resolver-ttl " + ttl + "\n", 1);
    if (prefix.isEmpty() && ttl > 0) return new Fail("invalid resolver-prefix \"\"\n", 1);
    if (!prefix.isEmpty() && v.get("advertise-client-url").isEmpty()) {
      return new Fail("invalid advertise-client-url \"\"\n", 1);
    }
    String listen = v.get("listen-addr");
    int colon = listen.lastIndexOf(':');
    if (colon < 0) return new Fail("listen tcp: address " + listen + ": missing port in address\n", 1);
    String host = listen.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    int port;
    try {
      port = Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) return new Fail("listen tcp: address " + listen + ": invalid port\n", 1);
    InetSocketAddress address = host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    if (address.isUnresolved()) return new Fail("listen tcp: lookup " + host + ": no such host\n", 1);
    List<String> ciphers;
    try {
      ciphers = CipherSuites.parse(v.get("listen-cipher-suites"));
    } catch (EtcdConfigException e) {
      return new Fail(e.getMessage() + "\n", 1);
    }
    List<String> endpoints = list(v.get("endpoints"));
    if (endpoints.isEmpty()) return new Fail("etcdclient: no available endpoints\n", 1);
    long streams = Long.parseLong(v.get("max-concurrent-streams"));
    return new Start(new ProxyOptions(address, endpoints, v.get("cert"), v.get("key"), v.get("cacert"),
        bool(v, "insecure-skip-tls-verify"), v.get("cert-file"), v.get("key-file"), v.get("trusted-ca-file"),
        v.get("client-crl-file"), bool(v, "auto-tls"), ciphers, v.get("data-dir"), v.get("namespace"),
        v.get("advertise-client-url"), prefix, ttl, v.get("metrics-addr"),
        Integer.parseInt(v.get("max-send-bytes")), Integer.parseInt(v.get("max-recv-bytes")), streams,
        bool(v, "debug")));
  }

  /** pflag's parse error for {@code value}, or null when it is one. */
  private static String check(Kind kind, String value) {
    switch (kind) {
      case BOOL -> {
        if (!Set.of("1", "0", "t", "f", "T", "F", "true", "false", "TRUE", "FALSE", "True", "False").contains(value)) {
          return "strconv.ParseBool: parsing \"" + value + "\": invalid syntax";
        }
      }
      case INT, UINT32 -> {
        String fn = kind == Kind.INT ? "ParseInt" : "ParseUint";
        try {
          long n = Long.parseLong(value);
          if (kind == Kind.INT && (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE)
              || kind == Kind.UINT32 && (n < 0 || n > 4294967295L)) {
            return "strconv." + fn + ": parsing \"" + value + "\": value out of range";
          }
        } catch (NumberFormatException e) {
          return "strconv." + fn + ": parsing \"" + value + "\": invalid syntax";
        }
      }
      default -> { }
    }
    return null;
  }

  private static boolean bool(Map<String, String> v, String name) {
    return Set.of("1", "t", "T", "true", "TRUE", "True").contains(v.get(name));
  }

  private static List<String> list(String value) {
    List<String> out = new ArrayList<>();
    for (String s : value.split(",")) {
      if (!s.isBlank()) out.add(s.trim());
    }
    return out;
  }

  private static Fail fail(String error) {
    return new Fail("Error: " + error + "\n" + USAGE, 1);
  }
}
