package io.akkaetcd;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.config.EtcdConfigException;
import io.akkaetcd.config.EtcdFlags;
import io.akkaetcd.config.LaunchRequest;
import io.akkaetcd.config.LogConfig;
import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.logging.LogSetup;
import io.akkaetcd.server.EtcdServer;
import io.akkaetcd.server.FailStop;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** bin/etcd's entry point: etcd's flags and ETCD_* variables in, one running member out. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    LaunchRequest request = EtcdFlags.request(args, System.getenv());
    if (request instanceof LaunchRequest.PrintVersion v) {
      System.out.print(v.text());
      System.exit(0);
    } else if (request instanceof LaunchRequest.PrintHelp h) {
      System.err.print(h.usage());
      System.out.print(h.flags());
      System.exit(0);
    } else if (request instanceof LaunchRequest.Fail f) {
      System.err.print(f.stderrText());
      System.exit(f.exitCode());
    } else if (request instanceof LaunchRequest.Run run) {
      run(run);
    }
  }

  private static void run(LaunchRequest.Run run) throws Exception {
    Config config = run.overrides().withFallback(ConfigFactory.load());
    MemberConfig member;
    LogConfig logging;
    java.util.List<String> tolerated;
    try {
      String tolerate = System.getenv().getOrDefault("AKKA_ETCD_TOLERATE_UNSERVED", "");
      tolerated = EtcdFlags.refuseNotServed(config, java.util.Set.of(tolerate.isEmpty() ? new String[0] : tolerate.split(",")));
      logging = LogConfig.from(config);
      member = MemberConfig.from(config);
    } catch (EtcdConfigException e) {
      System.err.println(e.getMessage());
      System.exit(e.exitCode());
      return;
    }
    LogSetup.apply(logging);
    Logger log = LoggerFactory.getLogger(Main.class);
    // loops, not forEach(log::info): the JSON lines' caller is the first frame outside logging
    for (String n : run.notices()) log.info(n);
    for (String w : run.warnings()) log.warn(w);
    for (String w : tolerated) log.warn(w);

    EtcdServer server;
    try {
      server = EtcdServer.start(member, config, FailStop.haltProcess());
    } catch (io.akkaetcd.etcdfiles.EtcdFileException | io.akkaetcd.server.DataDirRefusedException e) {
      log.error("cannot start on data dir {}: {}", member.dataDir(), e.getMessage());
      System.exit(1);
      return;
    } catch (io.akkaetcd.server.auth.TokenOptions.InvalidOptions e) {
      log.error("failed to start: {}", e.getMessage());
      System.exit(1);
      return;
    } catch (EtcdConfigException e) {
      // etcd's fatal start errors (TLS files, unix URLs) go to stderr with its exit code
      System.err.println(e.getMessage());
      System.exit(e.exitCode());
      return;
    }
    server.ready().thenRun(() -> {
      try {
        if (SystemdNotify.notify(System.getenv("NOTIFY_SOCKET"), "READY=1")) {
          log.info("notified systemd of readiness: READY=1");
        }
      } catch (IOException e) {
        log.error("failed to notify systemd for readiness", e);
      }
    });
    StopSignals.install(() -> {
      log.info("received signal; shutting down");
      try {
        server.close();
      } catch (Exception e) {
        log.error("error while stopping", e);
      }
      LogSetup.flush();
    });
    // the process ends by a signal (StopSignals, after the orderly stop) or a fail-stop halt
    Thread.currentThread().join();
  }
}
