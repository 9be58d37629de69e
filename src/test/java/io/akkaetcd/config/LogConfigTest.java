package io.akkaetcd.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** --logger and --log-outputs refused with the messages real etcd 3.4.23 prints for them (exit 1). */
class LogConfigTest {
  static LogConfig read(String... args) {
    var run = (LaunchRequest.Run) EtcdFlags.request(args, Map.of());
    return LogConfig.from(run.overrides().withFallback(ConfigFactory.load()));
  }

  static String refusal(String... args) {
    EtcdConfigException e = assertThrows(EtcdConfigException.class, () -> read(args));
    assertEquals(1, e.exitCode());
    return e.getMessage();
  }

  @Test
  void defaultsAreZapToStderr() {
    assertEquals(new LogConfig("zap", List.of("default"), "info"), read());
    assertEquals(new LogConfig("zap", List.of("stdout", "/tmp/x.log"), "warn"),
        read("--log-outputs", "stdout,/tmp/x.log", "--log-level", "warn"));
  }

  @Test
  void etcdsRefusals() {
    assertEquals("error verifying flags, unknown logger option \"foo\". See 'etcd --help'.", refusal("--logger", "foo"));
    assertEquals("error verifying flags, multi logoutput for \"default\" is not supported yet. See 'etcd --help'.",
        refusal("--log-outputs", "default,stdout"));
    assertEquals("error verifying flags, --logger=capnslog supports only 1 value in '--log-outputs', got [\"stderr\" \"stdout\"]. "
        + "See 'etcd --help'.", refusal("--logger", "capnslog", "--log-outputs", "stderr,stdout"));
  }
}
