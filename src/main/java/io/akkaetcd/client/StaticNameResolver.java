package io.akkaetcd.client;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;

/**
 * Resolves any target to fixed addresses (one, or several for a round-robin channel; each then carries
 * its own host:port as the authority its TLS certificate is checked against). Akka gRPC 2.1.3's own resolver rejects the target URI that
 * grpc-java 1.60 (the version jetcd needs, so the one on our classpath) hands it ("target uri should
 * not have null authority"); a client that knows its member's address needs no discovery.
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
        return authority(addresses.get(0));
      }

      @Override
      public void start(Listener2 listener) {
        listener.onResult(ResolutionResult.newBuilder()
            .setAddresses(addresses.stream().map(a -> new EquivalentAddressGroup(a, Attributes.newBuilder()
                .set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE, authority(a)).build())).toList())
            .setAttributes(Attributes.EMPTY)
            .build());
      }

      @Override
      public void shutdown() {}
    };
  }

  private static String authority(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
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
