package io.akkaetcd.tls;

import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The JDK's PKIX verification (or none, for a self-signed dialer), then etcd's extra checks, all inside
 * the handshake: a client certificate whose serial the CRL revokes is refused (etcd's listener), and with
 * --peer-cert-allowed-cn / --peer-cert-allowed-hostname the other side's leaf must carry that CN or
 * match that host name (etcd's VerifyPeerCertificate, applied both ways).
 */
final class VerifyingTrustManager extends X509ExtendedTrustManager {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(VerifyingTrustManager.class);
  private final X509ExtendedTrustManager delegate;
  private final X509CRL crl;
  private final String allowedCn;
  private final String allowedHostname;

  VerifyingTrustManager(X509ExtendedTrustManager delegate, X509CRL crl, String allowedCn, String allowedHostname) {
    this.delegate = delegate;
    this.crl = crl;
    this.allowedCn = allowedCn;
    this.allowedHostname = allowedHostname;
  }

  /** etcd's dialer with a self-signed pair (--auto-tls): any server certificate. */
  static X509ExtendedTrustManager acceptingAny() {
    return new X509ExtendedTrustManager() {
      @Override public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}
      @Override public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}
      @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}
      @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}
      @Override public void checkClientTrusted(X509Certificate[] c, String a) {}
      @Override public void checkServerTrusted(X509Certificate[] c, String a) {}
      @Override public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    try {
      delegate.checkClientTrusted(chain, authType, engine);
      checkRevoked(chain);
      checkAllowed(chain);
    } catch (CertificateException e) {
      throw rejected(chain, e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    try {
      delegate.checkServerTrusted(chain, authType, engine);
      checkAllowed(chain);
    } catch (CertificateException e) {
      throw rejected(chain, e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    delegate.checkClientTrusted(chain, authType, socket);
    checkRevoked(chain);
    checkAllowed(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    delegate.checkServerTrusted(chain, authType, socket);
    checkAllowed(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate.checkClientTrusted(chain, authType);
    checkRevoked(chain);
    checkAllowed(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate.checkServerTrusted(chain, authType);
    checkAllowed(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }

  /** etcd logs each refused handshake ("rejected connection ..."); the JDK would only fail it. */
  private static CertificateException rejected(X509Certificate[] chain, CertificateException e) {
    String subject = chain.length > 0 ? chain[0].getSubjectX500Principal().getName() : "none";
    log.warn("rejected TLS connection: certificate-subject={} error={}", subject, e.getMessage());
    return e;
  }

  private void checkRevoked(X509Certificate[] chain) throws CertificateException {
    if (crl == null) return;
    for (X509Certificate c : chain) {
      if (crl.isRevoked(c)) {
        throw new CertificateException("transport: certificate serial " + c.getSerialNumber().toString(16) + " revoked");
      }
    }
  }

  private void checkAllowed(X509Certificate[] chain) throws CertificateException {
    if (chain.length == 0) return;
    X509Certificate leaf = chain[0];
    boolean ok;
    if (!allowedCn.isEmpty()) {
      ok = allowedCn.equals(commonName(leaf).orElse(""));
    } else if (!allowedHostname.isEmpty()) {
      ok = matchesHost(leaf, allowedHostname);
    } else {
      return;
    }
    if (!ok) throw new CertificateException("client certificate authentication failed");
  }

  /** The subject's Common Name, as Go's cert.Subject.CommonName reads it (the last CN). */
  static Optional<String> commonName(X509Certificate cert) {
    try {
      String cn = null;
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) cn = rdn.getValue().toString();
      }
      return Optional.ofNullable(cn);
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
  }

  /** Go's VerifyHostname: an IP against the IP SANs, a name against the DNS SANs (one-label wildcards). */
  static boolean matchesHost(X509Certificate cert, String host) {
    List<List<?>> sans;
    try {
      sans = cert.getSubjectAlternativeNames() == null ? List.of() : List.copyOf(cert.getSubjectAlternativeNames());
    } catch (CertificateParsingException e) {
      return false;
    }
    boolean ip = (host.indexOf('.') >= 0 || host.indexOf(':') >= 0) && host.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 || ch == '.' || ch == ':');
    String wanted = host.toLowerCase(Locale.ROOT);
    for (List<?> san : sans) {
      int type = (Integer) san.get(0);
      String value = String.valueOf(san.get(1)).toLowerCase(Locale.ROOT);
      if (ip && type == 7 && sameAddress(value, wanted)) return true;
      if (!ip && type == 2) {
        if (value.equals(wanted)) return true;
        if (value.startsWith("*.") && wanted.indexOf('.') > 0
            && wanted.substring(wanted.indexOf('.')).equals(value.substring(1))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean sameAddress(String a, String b) {
    try {
      return InetAddress.getByName(a).equals(InetAddress.getByName(b));
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
