package io.akkaetcd.grpcproxy;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * {@code etcd grpc-proxy start}'s settings, as etcd 3.4's etcdmain/grpc_proxy.go names them.
 *
 * @param endpoints the members as given: host:port, or a URL (an https:// one is dialed with TLS)
 * @param cert {@code --cert}: the proxy's client certificate towards the members (its Common Name must be empty)
 * @param key {@code --key}
 * @param cacert {@code --cacert}: the CA that signed the members' certificates
 * @param insecureSkipTlsVerify {@code --insecure-skip-tls-verify}: TLS to the members, their certificates unchecked
 * @param certFile {@code --cert-file}: the proxy serves TLS to its clients with this pair
 * @param keyFile {@code --key-file}
 * @param trustedCaFile {@code --trusted-ca-file}: clients must present a certificate this CA signed
 * @param clientCrlFile {@code --client-crl-file}
 * @param autoTls {@code --auto-tls}: a self-signed pair in {@code <data-dir>/fixtures/proxy} when no pair is given
 * @param listenCipherSuites {@code --listen-cipher-suites}, JSSE names
 * @param advertiseClientUrl {@code --advertise-client-url}: what MemberList answers (empty: the cluster's list)
 * @param resolverPrefix {@code --resolver-prefix}: the key prefix proxies register under
 * @param resolverTtlSeconds {@code --resolver-ttl}
 * @param metricsAddr {@code --metrics-addr}: a URL for an additional /metrics and /health listener (empty: none)
 * @param maxSendBytes {@code --max-send-bytes}: the largest request the proxy sends to a member
 * @param maxRecvBytes {@code --max-recv-bytes}: the largest response it accepts from one
 * @param maxConcurrentStreams {@code --max-concurrent-streams}: per client connection
 */
public record ProxyOptions(InetSocketAddress listen, List<String> endpoints,
    String cert, String key, String cacert, boolean insecureSkipTlsVerify,
    String certFile, String keyFile, String trustedCaFile, String clientCrlFile, boolean autoTls,
    List<String> listenCipherSuites, String dataDir, String namespace,
    String advertiseClientUrl, String resolverPrefix, int resolverTtlSeconds, String metricsAddr,
    int maxSendBytes, int maxRecvBytes, long maxConcurrentStreams, boolean debug) {

  public ProxyOptions {
    endpoints = List.copyOf(endpoints);
    listenCipherSuites = List.copyOf(listenCipherSuites);
  }

  /** etcd's newTLS(ca, cert, key): TLS towards the members is on when any of the three is given, or --insecure-skip-tls-verify. */
  boolean upstreamTls() {
    return !cacert.isEmpty() || !cert.isEmpty() || !key.isEmpty() || insecureSkipTlsVerify
        || endpoints.stream().anyMatch(e -> e.startsWith("https://"));
  }

  /** etcd's newTLS(trusted-ca-file, cert-file, key-file) for the listener, or --auto-tls. */
  boolean servesTls() {
    return !trustedCaFile.isEmpty() || !certFile.isEmpty() || !keyFile.isEmpty() || autoTls;
  }
}
