package io.akkaetcd.grpcproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** {@code etcd grpc-proxy start}'s command line, against what etcd 3.4.23 prints (measured on this machine). */
class GrpcProxyCommandTest {
  static GrpcProxyCommand.Request parse(String... flags) {
    List<String> args = new ArrayList<>(List.of("grpc-proxy", "start"));
    args.addAll(List.of(flags));
    return GrpcProxyCommand.parse(args);
  }

  @Test
  void defaultsAreEtcds() {
    ProxyOptions o = ((GrpcProxyCommand.Start) parse()).options();
    assertEquals("127.0.0.1:23790", o.listen().getHostString() + ":" + o.listen().getPort());
    assertEquals(List.of("127.0.0.1:2379"), o.endpoints());
    assertEquals("127.0.0.1:23790", o.advertiseClientUrl());
    assertEquals(1572864, o.maxSendBytes());
    assertEquals(Integer.MAX_VALUE, o.maxRecvBytes());
    assertEquals("default.proxy", o.dataDir());
    assertEquals(false, o.upstreamTls());
    assertEquals(false, o.servesTls());
  }

  @Test
  void flagsTakeValuesBothWays() {
    ProxyOptions o = ((GrpcProxyCommand.Start) parse("--endpoints", "a:1,https://b:2", "--namespace=ns/", "--debug",
        "--listen-cipher-suites", "", "--max-send-bytes=10")).options();
    assertEquals(List.of("a:1", "https://b:2"), o.endpoints());
    assertEquals("ns/", o.namespace());
    assertTrue(o.debug());
    assertTrue(o.upstreamTls(), "an https:// endpoint is dialed with TLS");
    assertEquals(List.of(), o.listenCipherSuites());
    assertEquals(10, o.maxSendBytes());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--bogus|Error: unknown flag: --bogus",
      "--listen-addr|Error: flag needs an argument: --listen-addr",
      "--max-send-bytes=x|Error: invalid argument \"x\" for \"--max-send-bytes\" flag: strconv.ParseInt: parsing \"x\": invalid syntax",
      "--debug=maybe|Error: invalid argument \"maybe\" for \"--debug\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax",
      "--resolver-prefix=x|invalid resolver-ttl 0",
      "--resolver-ttl=5|invalid resolver-prefix \"\"",
      "--listen-addr=bad|listen tcp: address bad: missing port in address",
      "--listen-cipher-suites=FOO|unexpected TLS cipher suite \"FOO\"",
      "--discovery-srv=example.com|--discovery-srv is not served by akka-etcd's grpc-proxy; give the members with --endpoints",
      "--enable-pprof|--enable-pprof is not served by akka-etcd's grpc-proxy",
      "--experimental-leasing-prefix=l|--experimental-leasing-prefix is not served by akka-etcd's grpc-proxy",
      "--experimental-serializable-ordering|--experimental-serializable-ordering is not served by akka-etcd's grpc-proxy",
  })
  void badInputGetsEtcdsError(String flag, String firstLine) {
    GrpcProxyCommand.Fail f = assertInstanceOf(GrpcProxyCommand.Fail.class, parse(flag));
    assertEquals(1, f.exitCode());
    assertEquals(firstLine, f.message().lines().findFirst().orElse(""));
  }

  @Test
  void resolverNeedsAnAdvertisedUrl() {
    GrpcProxyCommand.Fail f = assertInstanceOf(GrpcProxyCommand.Fail.class,
        parse("--resolver-prefix=p", "--resolver-ttl=5", "--advertise-client-url="));
    assertEquals("invalid advertise-client-url \"\"\n", f.message());
  }

  @Test
  void withoutStartItPrintsTheGroupsHelp() {
    GrpcProxyCommand.Print p = assertInstanceOf(GrpcProxyCommand.Print.class, GrpcProxyCommand.parse(List.of("grpc-proxy")));
    assertTrue(p.text().startsWith("grpc-proxy related command\n"));
    GrpcProxyCommand.Print help = assertInstanceOf(GrpcProxyCommand.Print.class, parse("--help"));
    assertTrue(help.text().contains("--listen-addr string                   listen address (default \"127.0.0.1:23790\")"));
  }
}
