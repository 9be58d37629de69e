package io.akkaetcd.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every flag etcd 3.4 has is known here, and one this member does not serve is refused at start,
 * named, unless set to what the member does; none is accepted and ignored.
 */
class NotServedFlagsTest {
  static Config config(Map<String, String> env, String... args) {
    LaunchRequest.Run run = (LaunchRequest.Run) EtcdFlags.request(args, env);
    return run.overrides().withFallback(ConfigFactory.load());
  }

  @Test
  void everyFlagOfRealEtcdIsKnown() throws Exception {
    Path etcd = Path.of("/usr/bin/etcd");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(etcd), "real etcd (Debian etcd-server) not installed");
    Process p = new ProcessBuilder(etcd.toString(), "--help").redirectErrorStream(true).start();
    String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^\\s+--([a-z0-9-]+)").matcher(help);
    while (m.find()) names.add(m.group(1));
    assertTrue(names.size() > 70, names.toString());
    for (String name : names) {
      assertTrue(EtcdFlags.flags().containsKey(name) || name.equals("version") || name.equals("help"), "--" + name);
    }
  }

  @Test
  void aFlagNotServedIsRefusedByNameFromTheCommandLineAndTheEnvironment() {
    String expected = "error verifying flags, --proxy (ETCD_PROXY) is set to \"on\", which "
        + "akka-etcd does not serve: it runs as with \"off\". See 'etcd --help'.";
    EtcdConfigException e = assertThrows(EtcdConfigException.class,
        () -> EtcdFlags.refuseNotServed(config(Map.of(), "--proxy=on")));
    assertEquals(expected, e.getMessage());
    assertEquals(1, e.exitCode());
    e = assertThrows(EtcdConfigException.class,
        () -> EtcdFlags.refuseNotServed(config(Map.of("ETCD_PROXY", "on"))));
    assertEquals(expected, e.getMessage());
    assertThrows(EtcdConfigException.class, () -> EtcdFlags.refuseNotServed(config(Map.of(), "--pre-vote=false")));
    assertThrows(EtcdConfigException.class, () -> EtcdFlags.refuseNotServed(config(Map.of(), "--enable-v2")));
    assertThrows(EtcdConfigException.class, () -> EtcdFlags.refuseNotServed(config(Map.of(), "--max-wals=3")));
  }

  @Test
  void onlyANamedFlagIsToleratedAndThenWarnedAbout() {
    assertEquals(List.of("--experimental-compact-hash-check-enabled (ETCD_EXPERIMENTAL_COMPACT_HASH_CHECK_ENABLED) is set to \"true\", which akka-etcd does not serve: "
            + "it runs as with \"false\" (tolerated by AKKA_ETCD_TOLERATE_UNSERVED)"),
        EtcdFlags.refuseNotServed(config(Map.of(), "--experimental-compact-hash-check-enabled"), java.util.Set.of("experimental-compact-hash-check-enabled")));
    assertThrows(EtcdConfigException.class,
        () -> EtcdFlags.refuseNotServed(config(Map.of(), "--experimental-compact-hash-check-enabled", "--enable-v2"), java.util.Set.of("experimental-compact-hash-check-enabled")));
  }

  @Test
  void settingWhatTheMemberDoesAnywayIsAccepted() {
    EtcdFlags.refuseNotServed(config(Map.of()));
    EtcdFlags.refuseNotServed(config(Map.of("ETCD_ENABLE_V2", "false"), "--pre-vote", "--grpc-keepalive-min-time=5000ms",
        "--auto-compaction-retention=0", "--max-wals=5"));
  }

  @Test
  void helpSaysWhichFlagsAreNotServed() {
    String help = EtcdFlags.flagsText();
    assertTrue(help.contains("  --proxy 'off'\n    Proxy mode setting ('off', 'readonly' or 'on').\n"
        + "    [akka-etcd: not served; refused at start unless 'off']\n"), help);
    assertTrue(help.contains("Human-readable name for this member.\n  --data-dir"), "served flags carry no mark");
    long marked = help.lines().filter(l -> l.contains("[akka-etcd: not served")).count();
    assertEquals(EtcdFlags.notServed().size(), marked);
  }
}
