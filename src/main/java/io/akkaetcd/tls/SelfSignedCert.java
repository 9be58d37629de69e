package io.akkaetcd.tls;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * etcd's transport.SelfCert for --auto-tls and --peer-auto-tls: {@code cert.pem} and {@code key.pem} in
 * {@code dir} (kept if both exist, so a restart serves the same certificate), an ECDSA P-521 key (PKCS#8),
 * organization "etcd", the listen URLs' hosts as IP or DNS subject alternative names.
 */
public final class SelfSignedCert {
  private SelfSignedCert() {}

  /** Returns {cert, key} paths, generating them unless both are there. */
  public static Path[] ensure(Path dir, List<URI> listenUrls, int validityYears, boolean clientAuthToo)
      throws IOException {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    if (Files.exists(cert) && Files.exists(key)) return new Path[] {cert, key};
    Files.createDirectories(dir);
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp521r1"));
      KeyPair pair = gen.generateKeyPair();
      Instant now = Instant.now();
      X500Name subject = new X500Name("O=etcd");
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject,
          new BigInteger(128, new SecureRandom()), Date.from(now),
          Date.from(now.plus(Duration.ofDays(365L * Math.max(1, validityYears)))), subject, pair.getPublic());
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyEncipherment | KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, clientAuthToo
          ? new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth})
          : new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      List<GeneralName> names = new ArrayList<>();
      for (URI u : listenUrls) {
        String h = u.getHost();
        if (h == null) continue;
        boolean ip = h.matches("[0-9.]+") || h.startsWith("[") || h.contains(":");
        names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, h.replaceAll("[\\[\\]]", "")));
      }
      if (!names.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      X509CertificateHolder holder = b.build(new JcaContentSignerBuilder("SHA512withECDSA").build(pair.getPrivate()));
      write(cert, holder);
      write(key, new JcaPKCS8Generator(pair.getPrivate(), null)); // PKCS#8: what every reader takes
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    } catch (GeneralSecurityException | OperatorCreationException | org.bouncycastle.util.io.pem.PemGenerationException e) {
      throw new IOException("cannot generate a self-signed certificate: " + e.getMessage(), e);
    }
    return new Path[] {cert, key};
  }

  private static void write(Path file, Object pem) throws IOException {
    try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter pw = new JcaPEMWriter(w)) {
      pw.writeObject(pem);
    }
  }
}
