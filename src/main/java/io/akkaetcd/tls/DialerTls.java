package io.akkaetcd.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for dialing members as a client (the grpc-proxy's {@code --cert}, {@code --key}, {@code --cacert},
 * {@code --insecure-skip-tls-verify}), checked as etcd's transport.TLSInfo.ClientConfig checks it: both
 * files of a pair or neither, the files readable and matching, the CA bundle readable, and with
 * {@code emptyCn} (etcd's EmptyCN, which the grpc-proxy sets) a certificate whose subject has a Common
 * Name is refused, because members with client-cert auth would take that CN for the user of every call.
 */
public final class DialerTls {
  private DialerTls() {}

  public static SSLContext context(String certFile, String keyFile, String caFile, boolean insecureSkipVerify,
      boolean emptyCn) throws PemFiles.BadPemException {
    KeyManager[] keys = null;
    if (!certFile.isEmpty() || !keyFile.isEmpty()) {
      if (certFile.isEmpty() || keyFile.isEmpty()) {
        throw new PemFiles.BadPemException("KeyFile and CertFile must both be present[key: " + keyFile
            + ", cert: " + certFile + "]");
      }
      List<X509Certificate> chain = PemFiles.certificates(Path.of(certFile));
      PrivateKey key = PemFiles.privateKey(Path.of(keyFile));
      PemFiles.checkMatches(key, chain.get(0));
      keys = keyManagers(chain, key);
      String cn = commonName(chain.get(0));
      if (emptyCn && !cn.isEmpty()) {
        throw new PemFiles.BadPemException("cert has non empty Common Name (" + cn + ")");
      }
    }
    try {
      TrustManager[] trust;
      if (insecureSkipVerify) {
        trust = new TrustManager[] {VerifyingTrustManager.acceptingAny()};
      } else {
        KeyStore cas = null;
        if (!caFile.isEmpty()) {
          cas = KeyStore.getInstance("PKCS12");
          cas.load(null, null);
          int i = 0;
          for (X509Certificate ca : PemFiles.certificates(Path.of(caFile))) {
            cas.setCertificateEntry("ca-" + i++, ca);
          }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(cas); // null: the system's CAs, as Go's nil RootCAs
        trust = tmf.getTrustManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new PemFiles.BadPemException("tls: " + e.getMessage());
    }
  }

  private static KeyManager[] keyManagers(List<X509Certificate> chain, PrivateKey key) throws PemFiles.BadPemException {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("client", key, new char[0], chain.toArray(X509Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, new char[0]);
      return kmf.getKeyManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new PemFiles.BadPemException("tls: " + e.getMessage());
    }
  }

  private static String commonName(X509Certificate cert) throws PemFiles.BadPemException {
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) return rdn.getValue().toString();
      }
      return "";
    } catch (InvalidNameException e) {
      throw new PemFiles.BadPemException("x509: " + e.getMessage());
    }
  }
}
