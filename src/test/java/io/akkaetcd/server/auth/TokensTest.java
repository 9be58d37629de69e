package io.akkaetcd.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.akkaetcd.auth.AuthInfo;
import io.akkaetcd.auth.TokenProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Simple tokens' TTL (refreshed on use, as etcd's keeper) and JWTs signed with etcd's own test keys. */
class TokensTest {
  /** etcd's integration fixtures (Debian's golang-etcd-server-dev): PKCS#1 RSA and SEC1 EC keys, certificates. */
  private static final Path FIXTURES = Path.of("/usr/share/gocode/src/go.etcd.io/etcd/integration/fixtures");

  @Test
  void simpleTokenLivesForItsTtlAfterItsLastUse() {
    AtomicLong now = new AtomicLong(1_000);
    SimpleTokens tokens = new SimpleTokens(now::get, 300_000);
    tokens.enable();
    String prefix = tokens.newPrefix();
    assertEquals(16, prefix.length());
    String token = tokens.assign("alice", 3, prefix, 42);
    assertEquals(prefix + ".42", token);
    assertEquals(new AuthInfo("alice", 9), tokens.info(token, 9), "a simple token carries the current revision");
    now.addAndGet(299_000);
    assertEquals("alice", tokens.info(token, 9).username(), "used just before expiring: refreshed");
    now.addAndGet(299_000);
    tokens.sweep();
    assertEquals("alice", tokens.info(token, 9).username());
    now.addAndGet(300_001);
    tokens.sweep();
    assertNull(tokens.info(token, 9), "unused for the TTL: gone");
  }

  @Test
  void simpleTokensEndWithTheirUserOrWithAuth() {
    SimpleTokens tokens = new SimpleTokens(() -> 0, 300_000);
    assertNull(tokens.info(tokens.assign("alice", 1, "abc", 1), 1), "auth off: no token is kept");
    tokens.enable();
    String alice = tokens.assign("alice", 1, "abc", 2);
    String bob = tokens.assign("bob", 1, "abd", 3);
    tokens.invalidateUser("alice");
    assertNull(tokens.info(alice, 1));
    assertEquals("bob", tokens.info(bob, 1).username());
    tokens.disable();
    assertNull(tokens.info(bob, 1));
    assertNull(tokens.info("no-dot", 1));
    assertNull(tokens.info("a.b.1", 1));
  }

  @ParameterizedTest
  @CsvSource({"RS256,server.crt,server.key.insecure", "PS384,server.crt,server.key.insecure",
      "ES256,server-ecdsa.crt,server-ecdsa.key.insecure"})
  void jwtSignedByOneMemberIsAcceptedByAnotherWithTheSameKeys(String method, String pub, String priv) {
    String options = "jwt,pub-key=" + FIXTURES.resolve(pub) + ",priv-key=" + FIXTURES.resolve(priv)
        + ",sign-method=" + method + ",ttl=5m";
    AtomicLong now = new AtomicLong(System.currentTimeMillis());
    TokenProvider issuer = TokenOptions.provider(options, 300, now::get);
    TokenProvider verifier = TokenOptions.provider("jwt,pub-key=" + FIXTURES.resolve(pub) + ",sign-method=" + method,
        300, now::get);
    String token = issuer.assign("alice", 7, "", 99);
    assertEquals(new AuthInfo("alice", 7), verifier.info(token, 8), "a JWT keeps the revision it was issued at");
    assertThrows(RuntimeException.class, () -> verifier.assign("alice", 7, "", 1), "verify-only");
    now.addAndGet(5 * 60_000 + 1_000);
    assertNull(verifier.info(token, 8), "expired");
  }

  @Test
  void jwtWithAnotherKeyOrMethodOrForgedIsRefused() throws Exception {
    Path secret = Files.createTempFile("hs", ".key");
    Files.writeString(secret, "a secret of at least thirty-two bytes");
    Path other = Files.createTempFile("hs", ".key");
    Files.writeString(other, "another secret of thirty-two bytes or more");
    TokenProvider hs = TokenOptions.provider("jwt,priv-key=" + secret + ",sign-method=HS256", 300,
        System::currentTimeMillis);
    TokenProvider hsOther = TokenOptions.provider("jwt,priv-key=" + other + ",sign-method=HS256", 300,
        System::currentTimeMillis);
    TokenProvider hs512 = TokenOptions.provider("jwt,priv-key=" + secret + ",sign-method=HS512", 300,
        System::currentTimeMillis);
    String token = hs.assign("root", 2, "", 1);
    assertEquals("root", hs.info(token, 2).username());
    assertNull(hsOther.info(token, 2), "another key");
    assertNull(hs512.info(token, 2), "another method");
    String forged = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
    assertNotEquals(token, forged);
    assertNull(hs.info(forged, 2));
  }

  @Test
  void jwtTtlIsAGoDuration() throws Exception {
    Path secret = Files.createTempFile("hs", ".key");
    Files.writeString(secret, "a secret of at least thirty-two bytes");
    AtomicLong now = new AtomicLong(10_000);
    // exp is in whole seconds, as etcd's time.Now().Add(ttl).Unix()
    TokenProvider ms = TokenOptions.provider("jwt,priv-key=" + secret + ",sign-method=HS256,ttl=1500ms", 300, now::get);
    TokenProvider mixed = TokenOptions.provider("jwt,priv-key=" + secret + ",sign-method=HS256,ttl=1m30s", 300, now::get);
    String shortLived = ms.assign("root", 2, "", 1);
    String longer = mixed.assign("root", 2, "", 1);
    now.set(10_999);
    assertEquals("root", ms.info(shortLived, 2).username());
    now.set(11_000);
    assertNull(ms.info(shortLived, 2), "expired at 11 s");
    now.set(99_999);
    assertEquals("root", mixed.info(longer, 2).username());
    now.set(100_000);
    assertNull(mixed.info(longer, 2), "expired at 100 s");
    assertEquals("auth: invalid auth options", assertThrows(TokenOptions.InvalidOptions.class,
        () -> TokenOptions.provider("jwt,priv-key=" + secret + ",sign-method=HS256,ttl=5", 300, () -> 0)).getMessage(),
        "a duration without a unit, as time.ParseDuration refuses it");
  }

  @Test
  void badOptionsAreRefusedWithEtcdsTexts() {
    assertEquals("auth: invalid auth options", assertThrows(TokenOptions.InvalidOptions.class,
        () -> TokenOptions.provider("paseto", 300, () -> 0)).getMessage());
    assertEquals("auth: invalid auth options", assertThrows(TokenOptions.InvalidOptions.class,
        () -> TokenOptions.provider("jwt,ttl", 300, () -> 0)).getMessage());
    assertEquals("auth: invalid auth signature method", assertThrows(TokenOptions.InvalidOptions.class,
        () -> TokenOptions.provider("jwt,sign-method=XX256", 300, () -> 0)).getMessage());
    assertEquals("auth: missing key data", assertThrows(TokenOptions.InvalidOptions.class,
        () -> TokenOptions.provider("jwt,sign-method=RS256", 300, () -> 0)).getMessage());
  }
}
