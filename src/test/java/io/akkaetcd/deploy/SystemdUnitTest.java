package io.akkaetcd.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.akkaetcd.config.EtcdFlags;
import io.akkaetcd.config.LaunchRequest;
import io.akkaetcd.config.MemberConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * deploy/systemd: the unit is Type=notify on the release's launcher, and its EnvironmentFile example
 * is a configuration this member takes as it stands: every line a flag, no warning, valid.
 */
class SystemdUnitTest {
  @Test
  void theUnitWaitsForReadyFromTheLauncher() throws Exception {
    List<String> unit = Files.readAllLines(Path.of("deploy/systemd/etcd.service"));
    assertTrue(unit.contains("Type=notify"));
    assertTrue(unit.contains("ExecStart=/opt/akka-etcd/bin/etcd"));
    assertTrue(unit.contains("EnvironmentFile=-/etc/default/etcd"));
  }

  @Test
  void theEnvironmentFileIsAValidConfiguration() throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of("deploy/systemd/etcd.env"))) {
      if (line.isBlank() || line.startsWith("#")) continue;
      int eq = line.indexOf('=');
      env.put(line.substring(0, eq), line.substring(eq + 1));
    }
    assertTrue(env.size() >= 8, env.toString());
    LaunchRequest.Run run = assertInstanceOf(LaunchRequest.Run.class, EtcdFlags.request(new String[0], env));
    assertEquals(List.of(), run.warnings());
    assertEquals(env.size(), run.notices().size(), "each line used: " + run.notices());
    MemberConfig member = MemberConfig.from(run.overrides().withFallback(ConfigFactory.load()));
    assertEquals("infra1", member.name());
    assertEquals(3, member.initialCluster().size());
  }
}
