package io.akkaetcd.tcpproxy;

import io.akkaetcd.config.GoValues;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code etcd gateway start} with etcd 3.4's flags (etcdmain/gateway.go): {@code --listen-addr}
 * (127.0.0.1:23790), {@code --endpoints} (127.0.0.1:2379; a scheme is stripped, it is a TCP proxy),
 * {@code --retry-delay} (1m). DNS discovery of the endpoints ({@code --discovery-srv}) is not served
 * and refused by name.
 */
public final class GatewayCommand {
  private GatewayCommand() {}

  /** What the command line asks for: a proxy to start, or an error to print with its exit code. */
  public sealed interface Request {}

  public record Start(InetSocketAddress listen, List<InetSocketAddress> endpoints, Duration retryDelay)
      implements Request {}

  public record Fail(String message, int exitCode) implements Request {}

  private static final String USAGE = """
      Usage:
        etcd gateway start [flags]

      Flags:
            --endpoints strings           comma separated etcd cluster endpoints (default [127.0.0.1:2379])
        -h, --help                        help for start
            --listen-addr string          listen address (default "127.0.0.1:23790")
            --retry-delay duration        duration of delay before retrying failed endpoints (default 1m0s)
      """;

  /** {@code args} as after {@code etcd}: {@code gateway start --flag=value ...}; flags may come before start, as cobra takes them. */
  public static Request parse(List<String> args) {
    List<String> commands = new ArrayList<>();
    List<String> flags = new ArrayList<>();
    for (int i = 1; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("-")) {
        commands.add(arg);
        continue;
      }
      flags.add(arg);
      boolean takesValue = !arg.contains("=") && !arg.equals("--insecure-discovery");
      if (takesValue && i + 1 < args.size()) flags.add(args.get(++i));
    }
    if (!commands.equals(List.of("start"))) {
      if (commands.size() > 1 && commands.get(0).equals("start")) {
        return new Fail("Error: unknown command \"" + commands.get(1) + "\" for \"etcd gateway start\"\n", 1);
      }
      return new Fail("Usage:\n  etcd gateway [command]\n\nAvailable Commands:\n  start       start the gateway\n", 1);
    }
    return parseStartFlags(flags);
  }

  private static Request parseStartFlags(List<String> args) {
    String listen = "127.0.0.1:23790";
    List<String> endpoints = List.of("127.0.0.1:2379");
    Duration retryDelay = Duration.ofMinutes(1);
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--")) return new Fail("Error: unknown shorthand flag in " + arg + "\n" + USAGE, 1);
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (!List.of("listen-addr", "endpoints", "retry-delay", "discovery-srv", "discovery-srv-name",
          "insecure-discovery", "trusted-ca-file").contains(name)) {
        return new Fail("Error: unknown flag: --" + name + "\n" + USAGE, 1);
      }
      if (value == null && !name.equals("insecure-discovery")) {
        if (i + 1 >= args.size()) return new Fail("Error: flag needs an argument: --" + name + "\n" + USAGE, 1);
        value = args.get(++i);
      }
      switch (name) {
        case "listen-addr" -> listen = value;
        case "endpoints" -> endpoints = List.of(value.split(","));
        case "retry-delay" -> {
          try {
            retryDelay = GoValues.goDuration(value);
          } catch (IllegalArgumentException e) {
            return new Fail("Error: invalid argument \"" + value + "\" for \"--retry-delay\" flag: " + e.getMessage() + "\n" + USAGE, 1);
          }
        }
        case "discovery-srv", "discovery-srv-name", "trusted-ca-file" -> {
          if (!value.isEmpty()) {
            return new Fail("--" + name + " is not served by akka-etcd's gateway; give the members with --endpoints\n", 1);
          }
        }
        default -> { } // insecure-discovery means nothing without discovery
      }
    }
    InetSocketAddress listenAddress = hostPort(listen);
    if (listenAddress == null) return new Fail("failed to validate listen address: " + listen + "\n", 1);
    if (listenAddress.isUnresolved()) return new Fail("failed to resolve listen host: " + listenAddress.getHostString() + "\n", 1);
    List<InetSocketAddress> targets = new ArrayList<>();
    for (String endpoint : endpoints) {
      InetSocketAddress target = hostPort(stripScheme(endpoint.trim()));
      if (target == null) return new Fail("error parsing endpoint \"" + endpoint + "\"", 1);
      if (target.isUnresolved()) return new Fail("failed to resolve endpoint host: " + target.getHostString() + "\n", 1);
      if (target.getPort() == listenAddress.getPort() && target.getAddress().equals(listenAddress.getAddress())) {
        return new Fail("SRV or endpoint (" + endpoint + ") should not resolve to the gateway listen addr (" + listen + ")\n", 1);
      }
      targets.add(target);
    }
    if (targets.isEmpty()) return new Fail("no endpoints found\n", 1);
    return new Start(listenAddress, List.copyOf(targets), retryDelay);
  }

  private static String stripScheme(String endpoint) {
    try {
      URI uri = URI.create(endpoint);
      if (uri.getHost() != null && uri.getPort() > 0) return uri.getHost() + ":" + uri.getPort();
    } catch (IllegalArgumentException e) {
      // not a URL: host:port as it is
    }
    return endpoint;
  }

  private static InetSocketAddress hostPort(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0) return null;
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    try {
      int port = Integer.parseInt(hostPort.substring(colon + 1));
      if (port < 0 || port > 65535) return null;
      return new InetSocketAddress(host, port);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
