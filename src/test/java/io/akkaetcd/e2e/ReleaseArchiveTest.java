package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive the build makes (target/akka-etcd-VERSION.tar.gz), unpacked into an empty
 * directory and run as on a server that has only a Java runtime: HOME empty (no ~/.m2), JAVA_HOME the
 * one variable naming Java, and a PATH with only bash and dirname (no mvn, no java).
 */
class ReleaseArchiveTest {
  @TempDir Path dir;

  @Test
  void unpackedReleaseRunsAMemberWithOnlyAJavaRuntime() throws Exception {
    Path archive = Path.of(System.getProperty("akkaetcd.release-archive", "target/missing.tar.gz"));
    assertTrue(Files.isRegularFile(archive), "the build makes " + archive + " before the tests");
    Path install = Files.createDirectory(dir.resolve("install"));
    Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", install.toString())
        .inheritIO().start();
    assertEquals(0, tar.waitFor());
    Path release;
    try (var top = Files.list(install)) {
      release = top.findFirst().orElseThrow();
    }
    Path etcd = release.resolve("bin/etcd");
    assertTrue(Files.isExecutable(etcd), "bin/etcd in " + release);
    assertTrue(Files.isRegularFile(release.resolve("lib/akka-etcd.jar")));
    assertTrue(Files.isRegularFile(release.resolve("conf/logback.xml")));

    Path home = Files.createDirectory(dir.resolve("home"));
    Path path = Files.createDirectory(dir.resolve("path"));
    Files.createSymbolicLink(path.resolve("bash"), Path.of("/bin/bash"));
    Files.createSymbolicLink(path.resolve("dirname"), Path.of("/usr/bin/dirname"));
    Map<String, String> env = Map.of("HOME", home.toString(), "PATH", path.toString(),
        "JAVA_HOME", System.getProperty("java.home"));

    ProcessBuilder version = new ProcessBuilder(etcd.toString(), "--version").redirectErrorStream(true);
    version.environment().clear();
    version.environment().putAll(env);
    Process v = version.start();
    String versionText = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(v.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, v.exitValue(), versionText);
    assertTrue(versionText.matches("etcd Version: 3\\.4\\.23\nGit SHA: [^\n]+\nGo Version: java[^\n]+\nGo OS/Arch: [a-z0-9]+/[a-z0-9]+\n"),
        versionText);

    int clientPort = RealEtcd.freePort();
    int peerPort = RealEtcd.freePort();
    try (ProcessMember member = new ProcessMember(dir.resolve("data"), clientPort, peerPort)
        .withLauncher(etcd, env)) {
      member.start();
      String cmdline = Files.readString(Path.of("/proc/" + member.process().pid() + "/cmdline"));
      assertTrue(cmdline.contains(release.resolve("lib/akka-etcd.jar").toString()), cmdline);
      assertFalse(cmdline.contains(".m2"), "runs on the release's lib/, not Maven's cache: " + cmdline);

      assertEquals("OK\n", Etcdctl.run(member.endpoint(), null, "put", "shipped", "yes").stdout());
      assertEquals("shipped\nyes\n", Etcdctl.run(member.endpoint(), null, "get", "shipped").stdout());

      // SIGTERM, as systemd or a container runtime stops it: the member closes itself first.
      // 143 (128 + SIGTERM): the member dies by the signal after its orderly stop, as etcd (StopSignalTest)
      assertEquals(143, member.terminate(), member.output());
      assertTrue(member.output().contains("received signal; shutting down"), member.output());
    }
    try (var left = Files.list(home)) {
      assertEquals(0, left.count(), "nothing written under HOME");
    }
  }
}
