package io.akkaetcd.tcpproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayCommandTest {
  private static GatewayCommand.Request parse(String... args) {
    return GatewayCommand.parse(List.of(args));
  }

  @Test
  void etcdsDefaults() {
    var start = assertInstanceOf(GatewayCommand.Start.class, parse("gateway", "start"));
    assertEquals(new InetSocketAddress("127.0.0.1", 23790), start.listen());
    assertEquals(List.of(new InetSocketAddress("127.0.0.1", 2379)), start.endpoints());
    assertEquals(Duration.ofMinutes(1), start.retryDelay());
  }

  @Test
  void endpointsLoseTheirSchemeBothFlagSpellings() {
    var start = assertInstanceOf(GatewayCommand.Start.class, parse("gateway", "start",
        "--endpoints=http://127.0.0.1:20000,https://127.0.0.1:20005", "--listen-addr", "127.0.0.1:23791",
        "--retry-delay", "1m30s"));
    assertEquals(List.of(new InetSocketAddress("127.0.0.1", 20000), new InetSocketAddress("127.0.0.1", 20005)),
        start.endpoints());
    assertEquals(23791, start.listen().getPort());
    assertEquals(Duration.ofSeconds(90), start.retryDelay());
    // cobra takes flags before the subcommand too, as etcd's e2e suite passes them
    var before = assertInstanceOf(GatewayCommand.Start.class,
        parse("gateway", "--endpoints=127.0.0.1:20000", "start"));
    assertEquals(List.of(new InetSocketAddress("127.0.0.1", 20000)), before.endpoints());
  }

  @Test
  void badInputGetsEtcdsErrors() {
    var unknown = assertInstanceOf(GatewayCommand.Fail.class, parse("gateway", "start", "--bogus=1"));
    assertTrue(unknown.message().startsWith("Error: unknown flag: --bogus"), unknown.message());
    var duration = assertInstanceOf(GatewayCommand.Fail.class, parse("gateway", "start", "--retry-delay=soon"));
    assertTrue(duration.message().contains("time: invalid duration \"soon\""), duration.message());
    var loop = assertInstanceOf(GatewayCommand.Fail.class,
        parse("gateway", "start", "--endpoints=127.0.0.1:23790"));
    assertTrue(loop.message().contains("should not resolve to the gateway listen addr"), loop.message());
    var noStart = assertInstanceOf(GatewayCommand.Fail.class, parse("gateway"));
    assertTrue(noStart.message().contains("start the gateway"), noStart.message());
    assertEquals(1, noStart.exitCode());
  }
}
