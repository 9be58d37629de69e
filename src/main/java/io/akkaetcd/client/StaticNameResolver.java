package io.akkaetcd.client;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;

/**
 * Resolves any target to fixed addresses (one member, or several tried in order by pick-first). Akka
 * gRPC 2.1.3's own resolver rejects the target URI that grpc-java 1.60 (the version jetcd needs, so the
 * one on our classpath) hands it ("target uri should not have null authority"); a client that knows its
 * members' addresses needs no discovery.
 */
public final class StaticNameResolver extends NameResolverProvider {
  private final List<InetSocketAddress> addresses;

  public StaticNameResolver(String host, int port) {
    this(List.of(new InetSocketAddress(host, port)));
  }

  public StaticNameResolver(List<InetSocketAddress> addresses) {
    this.addresses = List.copyOf(addresses);
  }

  @Override
  public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
    return new NameResolver() {
      @Override
      public String getServiceAuthority() {
        return addresses.get(0).getHostString() + ":" + addresses.get(0).getPort();
      }

      @Override
      public void start(Listener2 listener) {
        listener.onResult(ResolutionResult.newBuilder()
            .setAddresses(List.of(new EquivalentAddressGroup(new java.util.ArrayList<java.net.SocketAddress>(addresses))))
            .setAttributes(Attributes.EMPTY)
            .build());
      }

      @Override
      public void shutdown() {}
    };
  }

  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return 5;
  }

  @Override
  public String getDefaultScheme() {
    return "http";
  }
}
