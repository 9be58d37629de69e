package io.akkaetcd;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.config.EtcdConfigException;
import io.akkaetcd.config.EtcdFlags;
import io.akkaetcd.config.LaunchRequest;
import io.akkaetcd.config.LogConfig;
import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.discovery.BootstrapDiscovery;
import io.akkaetcd.grpcproxy.GrpcProxy;
import io.akkaetcd.grpcproxy.GrpcProxyCommand;
import io.akkaetcd.grpcproxy.ProxyOptions;
import io.akkaetcd.logging.LogSetup;
import io.akkaetcd.server.EtcdServer;
import io.akkaetcd.server.FailStop;
import io.akkaetcd.tcpproxy.GatewayCommand;
import io.akkaetcd.tcpproxy.TcpProxy;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** bin/etcd's entry point: etcd's flags and ETCD_* variables in, one running member out. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("gateway")) {
      gateway(java.util.List.of(args));
      return;
    }
    if (args.length > 0 && args[0].equals("grpc-proxy")) {
      grpcProxy(java.util.List.of(args));
      return;
    }
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

  /** {@code etcd gateway start}: etcd's L4 proxy in front of the members. */
  private static void gateway(java.util.List<String> args) throws Exception {
    GatewayCommand.Request request = GatewayCommand.parse(args);
    if (request instanceof GatewayCommand.Fail f) {
      System.err.print(f.message());
      System.exit(f.exitCode());
    }
    GatewayCommand.Start start = (GatewayCommand.Start) request;
    TcpProxy proxy;
    try {
      proxy = TcpProxy.start(start.listen(), start.endpoints(), start.retryDelay());
    } catch (IOException e) {
      System.err.println("listen tcp " + start.listen().getHostString() + ":" + start.listen().getPort() + ": " + e.getMessage());
      System.exit(1);
      return;
    }
    StopSignals.install(() -> {
      try {
        proxy.close();
      } catch (IOException e) {
        // stopping anyway
      }
      LogSetup.flush();
    });
    Thread.currentThread().join();
  }

  /** {@code etcd grpc-proxy start}: etcd's stateless gRPC proxy in front of the members. */
  private static void grpcProxy(java.util.List<String> args) throws Exception {
    GrpcProxyCommand.Request request = GrpcProxyCommand.parse(args);
    if (request instanceof GrpcProxyCommand.Print p) {
      System.out.print(p.text());
      System.exit(0);
    } else if (request instanceof GrpcProxyCommand.Fail f) {
      System.err.print(f.message());
      System.exit(f.exitCode());
    }
    ProxyOptions options = ((GrpcProxyCommand.Start) request).options();
    LogSetup.apply(new LogConfig("zap", java.util.List.of(LogConfig.DEFAULT_OUTPUT), options.debug() ? "debug" : "info"));
    GrpcProxy proxy;
    try {
      proxy = GrpcProxy.start(options);
    } catch (EtcdConfigException e) {
      System.err.println(e.getMessage());
      LogSetup.flush();
      System.exit(e.exitCode());
      return;
    }
    if (SystemdNotify.notify(System.getenv("NOTIFY_SOCKET"), "READY=1")) {
      LoggerFactory.getLogger(GrpcProxy.class).info("notified systemd of readiness: READY=1");
    }
    StopSignals.install(() -> {
      proxy.close();
      LogSetup.flush();
    });
    Thread.currentThread().join();
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
      BootstrapDiscovery.checkFlags(config);
      member = MemberConfig.from(BootstrapDiscovery.withoutDiscovery(config));
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
    try {
      // DNS or a discovery URL: after logging is set up, since it logs what it finds and may wait long
      config = BootstrapDiscovery.resolve(config);
      member = MemberConfig.from(config);
    } catch (EtcdConfigException e) {
      log.error("discovery failed: {}", e.getMessage());
      System.exit(e.exitCode());
      return;
    }

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
    } catch (Exception e) {
      log.error("the member could not start (see the errors above): {}", e.toString());
      System.exit(1);
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
    AtomicBoolean signalled = new AtomicBoolean();
    // Akka stops the actor system of a node the cluster refused (another cluster's token): fail-stop.
    // A member removed through Raft stops by itself (see EtcdServer.removed) and exits 0, as etcd's does.
    server.removed().thenRun(() -> {
      LogSetup.flush();
      System.exit(0);
    });
    server.terminated().thenRun(() -> {
      if (!signalled.get() && !server.wasRemoved()) {
        log.error("the member's actor system stopped (see the error above); exiting");
        LogSetup.flush();
        System.exit(1);
      }
    });
    StopSignals.install(() -> {
      signalled.set(true);
      log.info("received signal; shutting down");
      try {
        server.close();
      } catch (Exception e) {
        log.error("error while stopping", e);
      }
      LogSetup.flush();
    });
    // the process ends by a signal (StopSignals, after the orderly stop), a fail-stop halt, or the exit
    // above when Akka stopped the actor system
    Thread.currentThread().join();
  }
}
