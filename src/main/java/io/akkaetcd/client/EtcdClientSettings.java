package io.akkaetcd.client;

import akka.actor.ClassicActorSystemProvider;
import akka.grpc.GrpcClientSettings;

/**
 * Settings for the generated Akka gRPC clients ({@code KVClient.create(settings, system)}, ...) to one
 * member at {@code host:port}, without TLS. Part of the client artifact (akka-etcd-client.jar).
 */
public final class EtcdClientSettings {
  private EtcdClientSettings() {}

  public static GrpcClientSettings plaintext(String host, int port, ClassicActorSystemProvider system) {
    // the fixed address instead of Akka gRPC's discovery-based resolver (see StaticNameResolver)
    return GrpcClientSettings.connectToServiceAt(host, port, system)
        .withTls(false)
        .withChannelBuilderOverrides(b -> b.nameResolverFactory(new StaticNameResolver(host, port)));
  }
}
