package io.akkaetcd;

import ch.qos.logback.classic.Level;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.config.EtcdConfigException;
import io.akkaetcd.config.EtcdFlags;
import io.akkaetcd.config.LaunchRequest;
import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.server.EtcdServer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
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
    try {
      member = MemberConfig.from(config);
    } catch (EtcdConfigException e) {
      System.err.println(e.getMessage());
      System.exit(e.exitCode());
      return;
    }
    setLogLevel(member.logLevel());
    Logger log = LoggerFactory.getLogger(Main.class);
    run.notices().forEach(log::info);
    run.warnings().forEach(log::warn);

    EtcdServer server;
    try {
      server = EtcdServer.start(member, config);
    } catch (Exception e) {
      log.error("the member could not start (see the errors above): {}", e.toString());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean signalled = new AtomicBoolean();
    // Akka stops the actor system of a node the cluster refused (another cluster's token): fail-stop.
    server.terminated().thenRun(() -> {
      if (!signalled.get()) {
        log.error("the member's actor system stopped (see the error above); exiting");
        System.exit(1);
      }
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      signalled.set(true);
      log.info("received signal; shutting down");
      try {
        server.close();
      } catch (Exception e) {
        log.error("error while stopping", e);
      }
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
  }

  /** etcd's levels (debug, info, warn, error, panic, fatal) onto logback's root logger. */
  private static void setLogLevel(String etcdLevel) {
    Level level = switch (etcdLevel) {
      case "debug" -> Level.DEBUG;
      case "warn" -> Level.WARN;
      case "error", "panic", "fatal" -> Level.ERROR;
      default -> Level.INFO;
    };
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(level);
  }
}
