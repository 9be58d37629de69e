package io.akkaetcd.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.akkaetcd.auth.AuthInfo;
import io.akkaetcd.auth.TokenProvider;
import io.akkaetcd.errors.EtcdError;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.Date;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * etcd's JWT tokens (auth/jwt.go): claims {@code username}, {@code revision} (the auth revision at
 * issue) and {@code exp}, signed with the configured method. Any member with the same keys accepts a
 * token another issued. With only a public key a member verifies but cannot issue (etcd's verify-only).
 */
public final class JwtTokens implements TokenProvider {
  private final JWSAlgorithm algorithm;
  private final JWSSigner signer;
  private final JWSVerifier verifier;
  private final long ttlMillis;
  private final LongSupplier clockMillis;

  JwtTokens(JWSAlgorithm algorithm, JWSSigner signer, JWSVerifier verifier, long ttlMillis, LongSupplier clockMillis) {
    this.algorithm = algorithm;
    this.signer = signer;
    this.verifier = verifier;
    this.ttlMillis = ttlMillis;
    this.clockMillis = clockMillis;
  }

  /** The algorithms etcd 3.4 accepts for {@code sign-method}. */
  static final Map<String, JWSAlgorithm> METHODS = Map.ofEntries(
      Map.entry("RS256", JWSAlgorithm.RS256), Map.entry("RS384", JWSAlgorithm.RS384),
      Map.entry("RS512", JWSAlgorithm.RS512), Map.entry("PS256", JWSAlgorithm.PS256),
      Map.entry("PS384", JWSAlgorithm.PS384), Map.entry("PS512", JWSAlgorithm.PS512),
      Map.entry("ES256", JWSAlgorithm.ES256), Map.entry("ES384", JWSAlgorithm.ES384),
      Map.entry("ES512", JWSAlgorithm.ES512), Map.entry("HS256", JWSAlgorithm.HS256),
      Map.entry("HS384", JWSAlgorithm.HS384), Map.entry("HS512", JWSAlgorithm.HS512));

  /**
   * @param privateKey the signing key pair (null: verify only); {@code publicKey} the verifying key
   *     (null: the private key's); for HS* {@code secret} is the key file's bytes
   */
  static JwtTokens create(JWSAlgorithm algorithm, KeyPair privateKey, PublicKey publicKey, byte[] secret,
      long ttlMillis, LongSupplier clockMillis) throws JOSEException {
    PublicKey verifying = publicKey != null ? publicKey : privateKey == null ? null : privateKey.getPublic();
    if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm)) {
      return new JwtTokens(algorithm, new MACSigner(secret), new MACVerifier(secret), ttlMillis, clockMillis);
    }
    if (JWSAlgorithm.Family.RSA.contains(algorithm)) {
      return new JwtTokens(algorithm, privateKey == null ? null : new RSASSASigner((RSAPrivateKey) privateKey.getPrivate()),
          new RSASSAVerifier((RSAPublicKey) verifying), ttlMillis, clockMillis);
    }
    return new JwtTokens(algorithm, privateKey == null ? null : new ECDSASigner((ECPrivateKey) privateKey.getPrivate()),
        new ECDSAVerifier((ECPublicKey) verifying), ttlMillis, clockMillis);
  }

  @Override
  public String newPrefix() {
    return "";
  }

  @Override
  public String assign(String username, long authRevision, String simplePrefix, long raftIndex) {
    if (signer == null) {
      // etcd's ErrVerifyOnly has no gRPC mapping; the client sees it as auth failing.
      throw EtcdError.AUTH_FAILED.exception();
    }
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .claim("username", username)
        .claim("revision", authRevision)
        .expirationTime(new Date(((clockMillis.getAsLong() + ttlMillis) / 1000) * 1000))
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a JWT", e);
    }
    return jwt.serialize();
  }

  @Override
  public AuthInfo info(String token, long currentAuthRevision) {
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!algorithm.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
        return null;
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Date exp = claims.getExpirationTime();
      if (exp != null && exp.getTime() <= clockMillis.getAsLong()) {
        return null;
      }
      Object username = claims.getClaim("username");
      Object revision = claims.getClaim("revision");
      if (!(username instanceof String name) || !(revision instanceof Number rev)) {
        return null;
      }
      return new AuthInfo(name, rev.longValue());
    } catch (ParseException | JOSEException | RuntimeException e) {
      return null;
    }
  }

  @Override
  public void invalidateUser(String username) { }

  @Override
  public void enable() { }

  @Override
  public void disable() { }
}
