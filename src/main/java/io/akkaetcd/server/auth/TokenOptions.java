package io.akkaetcd.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import io.akkaetcd.auth.TokenProvider;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's {@code --auth-token} value: {@code simple}, or {@code jwt,pub-key=FILE,priv-key=FILE,
 * sign-method=ALG,ttl=DURATION} (auth/store.go decomposeOpts, auth/options.go). Keys are PEM files as
 * etcd reads them: PKCS#1, PKCS#8 or SEC1 private keys, a public key or a certificate; for HS* the
 * private key file's bytes are the secret (at least 32 bytes: the JWT library holds to RFC 7518, where
 * etcd's accepts shorter ones). EdDSA is not offered, as etcd 3.4 does not offer it. A bad value is refused with etcd's "auth: ..." texts.
 */
public final class TokenOptions {
  private static final Logger log = LoggerFactory.getLogger(TokenOptions.class);

  private TokenOptions() {}

  public static final class InvalidOptions extends RuntimeException {
    InvalidOptions(String message) {
      super(message);
    }
  }

  public static TokenProvider provider(String options, long simpleTtlSeconds, LongSupplier clockMillis) {
    String[] parts = options.split(",", -1);
    Map<String, String> opts = new HashMap<>();
    for (int i = 1; i < parts.length; i++) {
      String[] pair = parts[i].split("=", -1);
      if (pair.length != 2 || opts.putIfAbsent(pair[0], pair[1]) != null) {
        throw new InvalidOptions("auth: invalid auth options");
      }
    }
    return switch (parts[0]) {
      case "simple" -> new SimpleTokens(clockMillis, simpleTtlSeconds * 1000);
      case "jwt" -> jwt(opts, clockMillis);
      default -> throw new InvalidOptions("auth: invalid auth options");
    };
  }

  private static TokenProvider jwt(Map<String, String> opts, LongSupplier clockMillis) {
    JWSAlgorithm algorithm = JwtTokens.METHODS.get(opts.getOrDefault("sign-method", ""));
    if (algorithm == null) {
      throw new InvalidOptions("auth: invalid auth signature method");
    }
    long ttlMillis = 5 * 60_000;
    if (!opts.getOrDefault("ttl", "").isEmpty()) {
      try {
        // Go's time.ParseDuration, as etcd's jwtOptions.Parse: "100ms", "5m", "1h30m"
        ttlMillis = io.akkaetcd.config.GoValues.goDuration(opts.get("ttl")).toMillis();
      } catch (IllegalArgumentException e) {
        log.error("problem loading JWT options: {}", e.getMessage());
        throw new InvalidOptions("auth: invalid auth options");
      }
    }
    try {
      byte[] privateBytes = read(opts.get("priv-key"));
      byte[] publicBytes = read(opts.get("pub-key"));
      if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm)) {
        if (privateBytes == null || privateBytes.length == 0) {
          throw new InvalidOptions("auth: missing key data");
        }
        return JwtTokens.create(algorithm, null, null, privateBytes, ttlMillis, clockMillis);
      }
      KeyPair pair = privateBytes == null ? null : privateKey(privateBytes);
      PublicKey pub = publicBytes == null ? null : publicKey(publicBytes);
      if (pair == null && pub == null) {
        throw new InvalidOptions("auth: missing key data");
      }
      if (pair != null && pub != null && !pub.equals(pair.getPublic())) {
        throw new InvalidOptions("auth: public and private keys don't match");
      }
      return JwtTokens.create(algorithm, pair, pub, null, ttlMillis, clockMillis);
    } catch (IOException | JOSEException | ClassCastException e) {
      throw new InvalidOptions("auth: invalid auth options: " + e.getMessage());
    }
  }

  private static byte[] read(String file) throws IOException {
    return file == null || file.isEmpty() ? null : Files.readAllBytes(Path.of(file));
  }

  private static KeyPair privateKey(byte[] pem) throws IOException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (PEMParser parser = new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
      Object o = parser.readObject();
      if (o instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair);
      }
      if (o instanceof PrivateKeyInfo info) {
        // PKCS#8 holds no public key: derive it through the algorithm's key factory.
        java.security.PrivateKey key = converter.getPrivateKey(info);
        return new KeyPair(derivePublic(key), key);
      }
      throw new IOException("not a private key");
    }
  }

  private static PublicKey derivePublic(java.security.PrivateKey key) throws IOException {
    if (key instanceof java.security.interfaces.RSAPrivateCrtKey rsa) {
      try {
        return java.security.KeyFactory.getInstance("RSA").generatePublic(
            new java.security.spec.RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
      } catch (java.security.GeneralSecurityException e) {
        throw new IOException(e);
      }
    }
    throw new IOException("a PKCS#8 key of this kind needs pub-key");
  }

  private static PublicKey publicKey(byte[] pem) throws IOException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (PEMParser parser = new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
      Object o = parser.readObject();
      if (o instanceof X509CertificateHolder cert) {
        return converter.getPublicKey(cert.getSubjectPublicKeyInfo());
      }
      if (o instanceof SubjectPublicKeyInfo info) {
        return converter.getPublicKey(info);
      }
      throw new IOException("not a public key or certificate");
    }
  }
}
