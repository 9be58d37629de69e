package io.akkaetcd.client;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;

/**
 * Resolves any target to one fixed address. Akka gRPC 2.1.3's own resolver rejects the target URI that
 * grpc-java 1.60 (the version jetcd needs, so the one on our classpath) hands it ("target uri should
 * not have null authority"); a client that knows its member's address needs no discovery.
 */
public final class StaticNameResolver extends NameResolverProvider {
  private final InetSocketAddress address;

  public StaticNameResolver(String host, int port) {
    this.address = new InetSocketAddress(host, port);
  }

  @Override
  public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
    return new NameResolver() {
      @Override
      public String getServiceAuthority() {
        return address.getHostString() + ":" + address.getPort();
      }

      @Override
      public void start(Listener2 listener) {
        listener.onResult(ResolutionResult.newBuilder()
            .setAddresses(List.of(new EquivalentAddressGroup(address)))
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
