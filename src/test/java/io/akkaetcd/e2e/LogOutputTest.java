package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd's log lines from a member process: with the defaults on stderr, and with
 * {@code --log-outputs stderr,FILE} in both; every line parses as JSON with etcd's keys, and the
 * readiness lines etcd's e2e suite waits for are among them.
 */
class LogOutputTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void everyLineIsEtcdsJsonOnStderrAndInTheLogFile() throws Exception {
    Path file = dir.resolve("member.log");
    try (ProcessMember m = new ProcessMember(dir.resolve("data"), RealEtcd.freePort(), RealEtcd.freePort())
        .withFlags("--logger", "zap", "--log-outputs", "stderr," + file, "--log-level", "info")) {
      m.start();
      assertEquals(0, Etcdctl.run(m.endpoint(), null, "put", "k", "v").exitCode());
      m.terminate();
      List<JsonNode> stderr = parse(m.output().lines().toList());
      List<JsonNode> inFile = parse(Files.readAllLines(file));
      assertEquals(stderr.size(), inFile.size(), "the same lines in both outputs");
      for (JsonNode line : inFile) {
        assertTrue(List.of("debug", "info", "warn", "error").contains(line.path("level").asText()), line.toString());
        assertTrue(line.path("ts").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d{4})"), line.toString());
        assertTrue(!line.path("caller").asText().isEmpty(), line.toString());
      }
      JsonNode ready = inFile.stream().filter(l -> l.path("msg").asText().equals("ready to serve client requests"))
          .findFirst().orElseThrow();
      assertEquals("info", ready.path("level").asText());
      assertTrue(ready.path("caller").asText().matches("server/EtcdServer\\.java:\\d+"), ready.toString());
      assertTrue(inFile.stream().anyMatch(l -> l.path("msg").asText().startsWith("enabled capabilities for version")));
    }
  }

  @Test
  void capnslogWritesPlainText() throws Exception {
    try (ProcessMember m = new ProcessMember(dir.resolve("data"), RealEtcd.freePort(), RealEtcd.freePort())
        .withFlags("--logger=capnslog")) {
      m.start();
      String readyLine = m.output().lines().filter(l -> l.contains("ready to serve client requests")).findFirst().orElseThrow();
      assertTrue(readyLine.matches("\\d{4}-\\d\\d-\\d\\dT\\S+ INFO  EtcdServer ready to serve client requests"), readyLine);
    }
  }

  private static List<JsonNode> parse(List<String> lines) {
    return lines.stream().filter(l -> !l.isBlank()).map(l -> {
      try {
        return JSON.readTree(l);
      } catch (Exception e) {
        throw new AssertionError("not a JSON line: " + l, e);
      }
    }).toList();
  }
}
