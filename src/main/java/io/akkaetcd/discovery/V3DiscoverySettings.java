package io.akkaetcd.discovery;

import com.typesafe.config.Config;
import io.akkaetcd.config.EtcdConfigException;
import io.akkaetcd.config.EtcdFlags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * etcd 3.6's {@code --discovery-*} flags of v3 discovery (its DiscoveryConfig: a clientv3 ConfigSpec and
 * the token), with etcd's defaults: dial timeout 2 s, request timeout 5 s, keepalive 2 s / 6 s,
 * plaintext unless a certificate, key or CA is given or {@code --discovery-insecure-transport=false}.
 */
public record V3DiscoverySettings(String token, List<String> endpoints, Duration dialTimeout, Duration requestTimeout,
    Duration keepAliveTime, Duration keepAliveTimeout, boolean insecureTransport, boolean insecureSkipVerify,
    String cert, String key, String cacert, String user, String password) {

  public static V3DiscoverySettings from(Config c) {
    List<String> endpoints = new ArrayList<>();
    String eps = str(c, "discovery-endpoints");
    // flags.UniqueStringsFromFlag: comma-separated, each kept once
    if (!eps.isEmpty()) {
      for (String e : eps.split(",", -1)) if (!endpoints.contains(e)) endpoints.add(e);
    }
    return new V3DiscoverySettings(str(c, "discovery-token"), List.copyOf(endpoints), duration(c, "discovery-dial-timeout"),
        duration(c, "discovery-request-timeout"), duration(c, "discovery-keepalive-time"),
        duration(c, "discovery-keepalive-timeout"), c.getBoolean(EtcdFlags.keyOf("discovery-insecure-transport")),
        c.getBoolean(EtcdFlags.keyOf("discovery-insecure-skip-tls-verify")), str(c, "discovery-cert"),
        str(c, "discovery-key"), str(c, "discovery-cacert"), str(c, "discovery-user"), str(c, "discovery-password"));
  }

  /** Any v3 discovery flag that etcd's Validate counts as set. */
  public boolean anySet() {
    return !endpoints.isEmpty() || !token.isEmpty() || !cert.isEmpty() || !key.isEmpty() || !cacert.isEmpty()
        || !user.isEmpty() || !password.isEmpty();
  }

  /** etcd's checks of these flags in embed.Config.Validate, in its order. */
  public void validate(boolean v2ProxySet) {
    if (v2ProxySet && anySet()) {
      throw new EtcdConfigException("error verifying flags, both v2 discovery settings (discovery, discovery-proxy) "
          + "and v3 discovery settings (discovery-token, discovery-endpoints, discovery-cert, discovery-key, "
          + "discovery-cacert, discovery-user, discovery-password) are set. See 'etcd --help'.");
    }
    if (token.isEmpty() != endpoints.isEmpty()) {
      throw new EtcdConfigException("error verifying flags, both --discovery-token and --discovery-endpoints must be set. See 'etcd --help'.");
    }
    for (String e : endpoints) {
      if (e.strip().isEmpty()) {
        throw new EtcdConfigException("error verifying flags, --discovery-endpoints must not contain empty endpoints. See 'etcd --help'.");
      }
    }
  }

  /** clientv3's newTLSConfig: TLS when a file is named, transport security is asked for, or verification skipped. */
  public boolean tls() {
    return !cert.isEmpty() || !key.isEmpty() || !cacert.isEmpty() || !insecureTransport || insecureSkipVerify;
  }

  private static String str(Config c, String flag) {
    return c.getString(EtcdFlags.keyOf(flag));
  }

  private static Duration duration(Config c, String flag) {
    return Duration.ofNanos(EtcdFlags.goDurationNanos(str(c, flag)));
  }
}
