package io.akkaetcd.tls;

import io.akkaetcd.config.EtcdConfigException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * --cipher-suites: etcd's names are Go's crypto/tls names, which are the IANA names JSSE uses too, plus
 * two short aliases etcd accepts for the ChaCha20 suites. As in Go, the list restricts TLS 1.2 only;
 * TLS 1.3's suites are not configurable and stay on.
 */
public final class CipherSuites {
  private CipherSuites() {}

  /** The JSSE names for etcd's comma-separated list; etcd's error for a name it does not know. */
  public static List<String> parse(String flag) {
    List<String> out = new ArrayList<>();
    if (flag.isBlank()) return out;
    Set<String> supported = supported();
    for (String raw : flag.split(",")) {
      String name = switch (raw) {
        case "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305" -> "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256";
        case "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305" -> "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256";
        default -> raw;
      };
      if (!name.startsWith("TLS_") || name.startsWith("TLS_AES_") || name.startsWith("TLS_CHACHA20_")
          || !supported.contains(name)) {
        throw new EtcdConfigException("unexpected TLS cipher suite \"" + raw + "\"");
      }
      out.add(name);
    }
    return out;
  }

  /** The suites an engine enables for {@code configured}: those, plus TLS 1.3's. */
  static String[] enabled(List<String> configured, String[] defaults) {
    List<String> out = new ArrayList<>(configured);
    for (String s : defaults) {
      if ((s.startsWith("TLS_AES_") || s.startsWith("TLS_CHACHA20_")) && !out.contains(s)) out.add(s);
    }
    return out.toArray(String[]::new);
  }

  private static Set<String> supported() {
    try {
      return Set.copyOf(Arrays.asList(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
