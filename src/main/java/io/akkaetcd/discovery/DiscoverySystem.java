package io.akkaetcd.discovery;

import akka.actor.ActorSystem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.concurrent.TimeUnit;

/**
 * A local actor system for bootstrap discovery (Akka Discovery's DNS, the v3 discovery client), on the
 * member's configuration (its logging) without remoting or cluster, so it binds no port; stopped once
 * discovery is done, before the member's own system starts on the same ports.
 */
final class DiscoverySystem implements AutoCloseable {
  private final ActorSystem system;

  private DiscoverySystem(ActorSystem system) {
    this.system = system;
  }

  static DiscoverySystem start(Config member) {
    Config c = ConfigFactory.parseString("""
        akka.actor.provider = local
        akka.extensions = []
        akka.io.dns.resolver = async-dns
        akka.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        akka.coordinated-shutdown.exit-jvm = off
        """).withFallback(member);
    return new DiscoverySystem(ActorSystem.create("discovery", c));
  }

  ActorSystem actorSystem() {
    return system;
  }

  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // stopping anyway: nothing of it is bound or written
    }
  }
}
