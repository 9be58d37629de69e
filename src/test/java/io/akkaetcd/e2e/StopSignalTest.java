package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SIGINT and SIGTERM stop a member as they stop etcd: in order (its data reopens with every
 * acknowledged write), and then the process dies by that signal, which etcd's e2e suite and
 * supervisors tell apart from an exit status. Java's Process cannot (both read as 128+n), so a perl
 * parent (perl-base is essential in Debian) waits for bin/etcd and writes the raw wait status.
 */
class StopSignalTest {
  private static final String WAITER = """
      #!/usr/bin/perl
      my $pid = fork() // die "fork: $!";
      if ($pid == 0) { exec { $ARGV[0] } @ARGV or die "exec: $!"; }
      waitpid($pid, 0);
      my $status = $?;
      open(my $out, '>', $ENV{WAIT_STATUS_FILE}) or die "open: $!";
      print $out (($status & 127) ? "signal " . ($status & 127) : "exit " . ($status >> 8));
      close $out;
      """;

  @ParameterizedTest
  @CsvSource({"INT, 2", "TERM, 15"})
  void memberDiesByTheSignalAfterStoppingInOrder(String signal, int number, @TempDir Path dir) throws Exception {
    Path waiter = dir.resolve("wait-status");
    Files.writeString(waiter, WAITER.replace("exec { $ARGV[0] } @ARGV",
        "exec { '" + Path.of("bin/etcd").toAbsolutePath() + "' } 'etcd', @ARGV"));
    Files.setPosixFilePermissions(waiter, PosixFilePermissions.fromString("rwx------"));
    Path statusFile = dir.resolve("status");
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("AKKA_ETCD_SKIP_BUILD", "1");
    env.put("WAIT_STATUS_FILE", statusFile.toString());

    int clientPort = RealEtcd.freePort();
    int peerPort = RealEtcd.freePort();
    Path data = dir.resolve("data");
    try (ProcessMember member = new ProcessMember(data, clientPort, peerPort).withLauncher(waiter, env)) {
      member.start();
      assertEquals("OK\n", Etcdctl.run(member.endpoint(), null, "put", "before-" + signal, "kept").stdout());
      ProcessHandle etcd = member.process().toHandle().children().findFirst().orElseThrow();
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(etcd.pid())).inheritIO().start();
      assertEquals(0, kill.waitFor());
      assertTrue(member.process().waitFor(60, TimeUnit.SECONDS), member.output());
      assertEquals("signal " + number, Files.readString(statusFile), member.output());
      assertTrue(member.output().contains("received signal; shutting down"), member.output());
    }
    try (ProcessMember again = new ProcessMember(data, clientPort, peerPort)) {
      again.start();
      assertEquals("before-" + signal + "\nkept\n",
          Etcdctl.run(again.endpoint(), null, "get", "before-" + signal).stdout());
    }
  }
}
