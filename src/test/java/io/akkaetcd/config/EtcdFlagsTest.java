package io.akkaetcd.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class EtcdFlagsTest {

  static LaunchRequest.Run run(Map<String, String> env, String... args) {
    LaunchRequest r = EtcdFlags.request(args, env);
    return assertInstanceOf(LaunchRequest.Run.class, r, () -> "expected a run, got " + r);
  }

  static LaunchRequest.Fail fail(Map<String, String> env, String... args) {
    LaunchRequest r = EtcdFlags.request(args, env);
    return assertInstanceOf(LaunchRequest.Fail.class, r, () -> "expected a failure, got " + r);
  }

  // flag | value given | expected value (as the config holds it)
  @ParameterizedTest(name = "--{0}={1}")
  @CsvSource(delimiter = '|', textBlock = """
      name                        | infra1                              | infra1
      data-dir                    | /var/lib/etcd                       | /var/lib/etcd
      listen-client-urls          | http://127.0.0.1:2379,http://[::1]:2379 | http://127.0.0.1:2379,http://[::1]:2379
      advertise-client-urls       | https://10.0.0.1:2379               | https://10.0.0.1:2379
      listen-peer-urls            | http://127.0.0.1:2380               | http://127.0.0.1:2380
      initial-advertise-peer-urls | http://127.0.0.1:2380               | http://127.0.0.1:2380
      initial-cluster             | a=http://x:1,b=http://y:2           | a=http://x:1,b=http://y:2
      initial-cluster-state       | existing                            | existing
      initial-cluster-token       | tok-1                               | tok-1
      heartbeat-interval          | 250                                 | 250
      election-timeout            | 2500                                | 2500
      snapshot-count              | 10000                               | 10000
      quota-backend-bytes         | 8589934592                          | 8589934592
      max-request-bytes           | 0x100000                            | 1048576
      max-txn-ops                 | 1_024                               | 1024
      auto-compaction-mode        | revision                            | revision
      auto-compaction-retention   | 1h                                  | 1h
      log-level                   | debug                               | debug
      logger                      | zap                                 | zap
      log-outputs                 | stderr                              | stderr
      cert-file                   | /etc/etcd/server.crt                | /etc/etcd/server.crt
      key-file                    | /etc/etcd/server.key                | /etc/etcd/server.key
      trusted-ca-file             | /etc/etcd/ca.crt                    | /etc/etcd/ca.crt
      peer-cert-file              | /etc/etcd/peer.crt                  | /etc/etcd/peer.crt
      peer-key-file               | /etc/etcd/peer.key                  | /etc/etcd/peer.key
      peer-trusted-ca-file        | /etc/etcd/ca.crt                    | /etc/etcd/ca.crt
      auth-token                  | jwt,sign-method=RS256               | jwt,sign-method=RS256
      auth-token-ttl              | 0x10                                | 16
      listen-metrics-urls         | http://127.0.0.1:2381               | http://127.0.0.1:2381
      experimental-compaction-batch-limit | 500                         | 500
      experimental-watch-progress-notify-interval | 5s                  | 5s
      experimental-corrupt-check-time | 4m                              | 4m
      experimental-backend-bbolt-freelist-type | array                  | array
      grpc-keepalive-min-time     | 1.5s                                | 1.5s
      """)
  void valuedFlagMapsToItsKey(String flag, String value, String expected) {
    for (String[] args : List.of(
        new String[] {"--" + flag + "=" + value},
        new String[] {"--" + flag, value},
        new String[] {"-" + flag + "=" + value},
        new String[] {"-" + flag, value})) {
      Config c = run(Map.of(), args).overrides();
      assertEquals(expected, c.getValue("akka-etcd." + flag).unwrapped().toString(), String.join(" ", args));
      assertEquals(1, c.root().toConfig().getConfig("akka-etcd").entrySet().size(), "only the flag given is set");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      enable-v2
      strict-reconfig-check
      client-cert-auth
      peer-client-cert-auth
      auto-tls
      peer-auto-tls
      force-new-cluster
      enable-pprof
      experimental-initial-corrupt-check
      experimental-enable-lease-checkpoint
      experimental-peer-skip-client-san-verification
      experimental-compact-hash-check-enabled
      unsafe-no-fsync
      pre-vote
      """)
  void booleanFlags(String flag) {
    String key = "akka-etcd." + flag;
    assertTrue(run(Map.of(), "--" + flag).overrides().getBoolean(key));
    assertTrue(run(Map.of(), "-" + flag).overrides().getBoolean(key));
    for (String t : List.of("true", "1", "t", "T", "TRUE", "True")) {
      assertTrue(run(Map.of(), "--" + flag + "=" + t).overrides().getBoolean(key));
    }
    for (String f : List.of("false", "0", "f", "F", "FALSE", "False")) {
      assertFalse(run(Map.of(), "--" + flag + "=" + f).overrides().getBoolean(key));
    }
    // Go never takes a boolean's value from the next argument: "false" is a stray argument.
    LaunchRequest.Fail stray = fail(Map.of(), "--" + flag, "false");
    assertEquals("error verifying flags, 'false' is not a valid flag. See 'etcd --help'.", stray.message());
    assertEquals(1, stray.exitCode());
  }

  // arguments (space separated) | exit code | first stderr line, exactly as etcd 3.4.23 prints it
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      --bogus                              | 2 | flag provided but not defined: -bogus
      -bogus=1                             | 2 | flag provided but not defined: -bogus
      --discovery-url=/x                   | 2 | flag provided but not defined: -discovery-url
      --heartbeat-interval=abc             | 2 | invalid value "abc" for flag -heartbeat-interval: parse error
      --election-timeout=-5                | 2 | invalid value "-5" for flag -election-timeout: parse error
      --snapshot-count=99999999999999999999 | 2 | invalid value "99999999999999999999" for flag -snapshot-count: value out of range
      --initial-cluster-state=bogus        | 2 | invalid value "bogus" for flag -initial-cluster-state: invalid value
      --enable-v2=foo                      | 2 | invalid boolean value "foo" for -enable-v2: parse error
      --version=maybe                      | 2 | invalid boolean value "maybe" for -version: parse error
      --name                               | 2 | flag needs an argument: -name
      ---name=x                            | 2 | bad flag syntax: ---name=x
      -=x                                  | 2 | bad flag syntax: -=x
      --listen-client-urls=127.0.0.1:23790 | 2 | invalid value "127.0.0.1:23790" for flag -listen-client-urls: parse "127.0.0.1:23790": first path segment in URL cannot contain colon
      --listen-client-urls=http://127.0.0.1 | 2 | invalid value "http://127.0.0.1" for flag -listen-client-urls: URL address does not have the form "host:port": http://127.0.0.1
      --listen-client-urls=http://127.0.0.1:2379/p | 2 | invalid value "http://127.0.0.1:2379/p" for flag -listen-client-urls: URL must not contain a path: http://127.0.0.1:2379/p
      --listen-client-urls=http://x:abc    | 2 | invalid value "http://x:abc" for flag -listen-client-urls: parse "http://x:abc": invalid port ":abc" after host
      --listen-client-urls=localhost:2379  | 2 | invalid value "localhost:2379" for flag -listen-client-urls: URL scheme must be http, https, unix, or unixs: localhost:2379
      --listen-client-urls=:2379           | 2 | invalid value ":2379" for flag -listen-client-urls: parse ":2379": missing protocol scheme
      --listen-client-urls=unix://x        | 2 | invalid value "unix://x" for flag -listen-client-urls: URL address does not have the form "host:port": unix://x
      --initial-advertise-peer-urls=http://127.0.0.1:23800,htp:// | 2 | invalid value "http://127.0.0.1:23800,htp://" for flag -initial-advertise-peer-urls: URL scheme must be http, https, unix, or unixs: htp://
      --experimental-corrupt-check-time=5  | 2 | invalid value "5" for flag -experimental-corrupt-check-time: parse error
      foo                                  | 1 | error verifying flags, 'foo' is not a valid flag. See 'etcd --help'.
      --name=a foo --bogus                 | 1 | error verifying flags, 'foo' is not a valid flag. See 'etcd --help'.
      """)
  void badCommandLinesFailAsEtcdDoes(String args, int exitCode, String message) {
    LaunchRequest.Fail f = fail(Map.of(), args.split(" "));
    assertEquals(message, f.message());
    assertEquals(exitCode, f.exitCode());
    assertEquals(exitCode == 2, f.showUsage());
    assertEquals(exitCode == 2, f.stderrText().contains("Usage:\n\n  etcd [flags]\n"));
  }

  @Test
  void flagSyntaxDetails() {
    // "--" ends the flags; a later "flag" is a stray argument.
    assertEquals("error verifying flags, '--name=x' is not a valid flag. See 'etcd --help'.",
        fail(Map.of(), "--", "--name=x").message());
    // the last of a repeated flag wins; an empty value is a value
    assertEquals("b", run(Map.of(), "--name=a", "--name", "b").overrides().getString("akka-etcd.name"));
    assertEquals("", run(Map.of(), "--data-dir=").overrides().getString("akka-etcd.data-dir"));
    // a value that looks like a flag is still the value, as in Go
    assertEquals("--x", run(Map.of(), "--name", "--x").overrides().getString("akka-etcd.name"));
    // no arguments: nothing overridden
    assertTrue(run(Map.of()).overrides().isEmpty());
  }

  @ParameterizedTest
  @CsvSource({"--version", "-version", "--version=true", "--name=x --version"})
  void versionIsPrinted(String args) {
    LaunchRequest r = EtcdFlags.request(args.split(" "), Map.of("ETCD_HEARTBEAT_INTERVAL", "abc"));
    LaunchRequest.PrintVersion v = assertInstanceOf(LaunchRequest.PrintVersion.class, r);
    // etcd's four lines and labels; the Go lines name the Java runtime
    assertTrue(v.text().matches("etcd Version: 3\\.4\\.23\nGit SHA: [^\n]+\nGo Version: java"
        + System.getProperty("java.version").replace(".", "\\.") + "\nGo OS/Arch: [a-z0-9_]+/[a-z0-9_]+\n"), v.text());
  }

  @Test
  void versionFalseRuns() {
    assertTrue(run(Map.of(), "--version=false").overrides().isEmpty());
  }

  @ParameterizedTest
  @CsvSource({"--help", "-help", "-h", "--h", "--help=whatever", "--name=x --help --bogus"})
  void helpIsPrinted(String args) {
    LaunchRequest.PrintHelp h = assertInstanceOf(LaunchRequest.PrintHelp.class, EtcdFlags.request(args.split(" "), Map.of()));
    assertTrue(h.usage().startsWith("Usage:\n\n  etcd [flags]\n    Start an etcd server.\n"));
    assertTrue(h.flags().contains("\nMember:\n  --name 'default'\n    Human-readable name for this member.\n"), h.flags());
    for (String flag : EtcdFlags.flags().keySet()) {
      assertTrue(h.flags().contains("  --" + flag + " '"), flag);
    }
  }

  @Test
  void parseReturnsOverridesOrThrowsTheRequest() {
    assertEquals("x", EtcdFlags.parse(new String[] {"--name=x"}, Map.of()).getString("akka-etcd.name"));
    var e = assertThrows(EtcdConfigException.NotARun.class, () -> EtcdFlags.parse(new String[] {"--bogus"}, Map.of()));
    assertEquals(2, ((LaunchRequest.Fail) e.request()).exitCode());
    e = assertThrows(EtcdConfigException.NotARun.class, () -> EtcdFlags.parse(new String[] {"--version"}, Map.of()));
    assertInstanceOf(LaunchRequest.PrintVersion.class, e.request());
  }

  /** Every flag but config-file, whose variable names a file to read instead (EtcdConfigFileTest). */
  static List<String> allFlags() {
    return EtcdFlags.flags().keySet().stream().filter(f -> !f.equals("config-file")).toList();
  }

  @ParameterizedTest
  @MethodSource("allFlags")
  void everyFlagHasItsEnvironmentVariable(String flag) {
    EtcdFlags.Flag f = EtcdFlags.flags().get(flag);
    String env = "ETCD_" + flag.toUpperCase().replace('-', '_');
    assertEquals(env, f.envName());
    assertEquals("akka-etcd." + flag, EtcdFlags.keyOf(flag));
    String value = switch (f.type()) {
      case BOOL -> "true";
      case UINT, INT, INT64 -> "7";
      case DURATION -> "3s";
      case URLS -> "http://127.0.0.1:9";
      case CHOICE -> new java.util.TreeSet<>(f.choices()).first();
      default -> "v";
    };
    LaunchRequest.Run r = run(Map.of(env, value, "PATH", "/bin"));
    assertEquals(value, r.overrides().getValue("akka-etcd." + flag).unwrapped().toString());
    assertEquals(List.of("recognized and used environment variable " + env + "=" + value), r.notices());
    assertEquals(List.of(), r.warnings());
  }

  @Test
  void flagBeatsEnvironment() {
    LaunchRequest.Run r = run(Map.of("ETCD_NAME", "from-env", "ETCD_DATA_DIR", "/env"), "--name=from-flag");
    assertEquals("from-flag", r.overrides().getString("akka-etcd.name"));
    assertEquals("/env", r.overrides().getString("akka-etcd.data-dir"));
    assertEquals(List.of("conflicting environment variable \"ETCD_NAME\" is shadowed by corresponding command-line flag"
        + " (either unset environment variable or disable flag)"), r.warnings());
  }

  @Test
  void unknownEtcdVariablesWarnAndOthersAreIgnored() {
    LaunchRequest.Run r = run(Map.of("ETCD_BOGUS", "1", "ETCDCTL_API", "3", "HOME", "/root", "ETCD_VERSION", "1", "ETCD_NAME", ""));
    assertEquals(List.of("unrecognized environment variable ETCD_BOGUS=1"), r.warnings());
    assertTrue(r.overrides().isEmpty());
  }

  // variable | value | message (etcd prints it with exit 1, no usage)
  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', textBlock = """
      ETCD_HEARTBEAT_INTERVAL    | abc      | error verifying flags, invalid value "abc" for ETCD_HEARTBEAT_INTERVAL: parse error. See 'etcd --help'.
      ETCD_INITIAL_CLUSTER_STATE | bogus    | error verifying flags, invalid value "bogus" for ETCD_INITIAL_CLUSTER_STATE: invalid value. See 'etcd --help'.
      ETCD_ENABLE_V2             | yes      | error verifying flags, invalid value "yes" for ETCD_ENABLE_V2: parse error. See 'etcd --help'.
      ETCD_LISTEN_PEER_URLS      | x:1      | error verifying flags, invalid value "x:1" for ETCD_LISTEN_PEER_URLS: URL scheme must be http, https, unix, or unixs: x:1. See 'etcd --help'.
      ETCD_LISTEN_CLIENT_URLS    | 10.0.0.1:2379 | error verifying flags, invalid value "10.0.0.1:2379" for ETCD_LISTEN_CLIENT_URLS: parse "10.0.0.1:2379": first path segment in URL cannot contain colon. See 'etcd --help'.
      """)
  void badEnvironmentValuesFailAsEtcdDoes(String var, String value, String message) {
    LaunchRequest.Fail f = fail(Map.of(var, value));
    assertEquals(message, f.message());
    assertEquals(1, f.exitCode());
    assertFalse(f.showUsage());
    // a flag that shadows the bad variable means the variable is never read
    String flag = var.substring(5).toLowerCase().replace('_', '-');
    String good = EtcdFlags.flags().get(flag).type() == EtcdFlags.Type.BOOL ? "--" + flag : "--" + flag + "=" + goodValue(flag);
    run(Map.of(var, value), good);
  }

  private static String goodValue(String flag) {
    return switch (flag) {
      case "heartbeat-interval" -> "100";
      case "initial-cluster-state" -> "new";
      case "listen-client-urls" -> "http://127.0.0.1:2";
      default -> "http://127.0.0.1:1";
    };
  }
}
