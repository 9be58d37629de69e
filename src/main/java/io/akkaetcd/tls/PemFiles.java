package io.akkaetcd.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * PEM files as etcd takes them (Go's tls.X509KeyPair): certificates, RSA keys in PKCS#1 or PKCS#8, EC keys
 * in SEC1 or PKCS#8 (BouncyCastle parses them), CRLs in PEM or DER (the JDK's); failures carry Go's
 * messages, which etcd prints as they are.
 */
public final class PemFiles {
  private PemFiles() {}

  /** A file that cannot be used, with the text etcd prints for it. */
  public static final class BadPemException extends Exception {
    public BadPemException(String message) {
      super(message);
    }
  }

  /** Every certificate in the file, in order (a leaf first, then its chain, as etcd expects). */
  public static List<X509Certificate> certificates(Path file) throws BadPemException {
    List<X509Certificate> out = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    for (Object o : objects(file)) {
      if (o instanceof X509CertificateHolder h) {
        try {
          out.add(converter.getCertificate(h));
        } catch (GeneralSecurityException e) {
          throw new BadPemException("x509: " + e.getMessage());
        }
      }
    }
    if (out.isEmpty()) throw new BadPemException("tls: failed to find any PEM data in certificate input");
    return out;
  }

  /** The first private key in the file. */
  public static PrivateKey privateKey(Path file) throws BadPemException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    for (Object o : objects(file)) {
      try {
        if (o instanceof PEMKeyPair pair) return converter.getPrivateKey(pair.getPrivateKeyInfo());
        if (o instanceof PrivateKeyInfo info) return converter.getPrivateKey(info);
      } catch (IOException e) {
        throw new BadPemException("tls: failed to parse private key: " + e.getMessage());
      }
    }
    throw new BadPemException("tls: failed to find any PEM data in key input");
  }

  /** The CRL in the file, PEM or DER (Go's x509.ParseCRL takes both; etcd's own fixture is DER). */
  public static X509CRL crl(Path file) throws BadPemException {
    try (var in = Files.newInputStream(file)) {
      return (X509CRL) java.security.cert.CertificateFactory.getInstance("X.509").generateCRL(in);
    } catch (NoSuchFileException e) {
      throw new BadPemException("open " + file + ": no such file or directory");
    } catch (AccessDeniedException e) {
      throw new BadPemException("open " + file + ": permission denied");
    } catch (IOException | GeneralSecurityException e) {
      throw new BadPemException("x509: " + e.getMessage());
    }
  }

  /** Go's check that a key pair belongs together: the key signs, the certificate's public key verifies. */
  public static void checkMatches(PrivateKey key, X509Certificate cert) throws BadPemException {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519" -> "Ed25519";
      default -> throw new BadPemException("tls: unknown private key type " + key.getAlgorithm());
    };
    if (!key.getAlgorithm().equals(cert.getPublicKey().getAlgorithm())) {
      throw new BadPemException("tls: private key type does not match public key type");
    }
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      if (verifier.verify(signature)) return;
    } catch (GeneralSecurityException e) {
      // a key the certificate cannot verify: the same answer as a mismatch
    }
    throw new BadPemException("tls: private key does not match public key");
  }

  private static List<Object> objects(Path file) throws BadPemException {
    List<Object> out = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(file); PEMParser parser = new PEMParser(r)) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) out.add(o);
    } catch (NoSuchFileException e) {
      throw new BadPemException("open " + file + ": no such file or directory");
    } catch (AccessDeniedException e) {
      throw new BadPemException("open " + file + ": permission denied");
    } catch (IOException | RuntimeException e) {
      // PEMParser throws on a malformed block; Go reports such input as no usable PEM data
      return out;
    }
    return out;
  }
}
