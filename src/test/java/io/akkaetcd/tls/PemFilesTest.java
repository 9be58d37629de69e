package io.akkaetcd.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.akkaetcd.config.EtcdConfigException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** PEM keys and certificates as etcd takes them, made by openssl in each of the encodings etcd reads. */
class PemFilesTest {
  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "RSA PKCS#1, RSA, 'genrsa -traditional -out key.pem 2048', 'BEGIN RSA PRIVATE KEY'",
      "RSA PKCS#8, RSA, 'genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem', 'BEGIN PRIVATE KEY'",
      "EC SEC1, EC, 'ecparam -name prime256v1 -genkey -noout -out key.pem', 'BEGIN EC PRIVATE KEY'",
      "EC PKCS#8, EC, 'genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out key.pem', 'BEGIN PRIVATE KEY'"})
  void loadsEachKeyEncodingAndChecksThatItMatchesItsCertificate(String label, String algorithm, String genKey,
      String header) throws Exception {
    TestCerts.openssl(dir, genKey.split(" "));
    assertTrue(Files.readString(dir.resolve("key.pem")).contains(header), label + " is what openssl wrote");
    TestCerts.openssl(dir, "req", "-x509", "-key", "key.pem", "-out", "cert.pem", "-days", "1", "-subj", "/CN=m1");

    PrivateKey key = PemFiles.privateKey(dir.resolve("key.pem"));
    List<X509Certificate> certs = PemFiles.certificates(dir.resolve("cert.pem"));
    assertEquals(algorithm, key.getAlgorithm());
    assertEquals(1, certs.size());
    PemFiles.checkMatches(key, certs.get(0));

    // the same certificate with another key of the same kind: etcd's "does not match"
    TestCerts.openssl(dir, genKey.replace("key.pem", "other.pem").split(" "));
    var e = assertThrows(PemFiles.BadPemException.class,
        () -> PemFiles.checkMatches(PemFiles.privateKey(dir.resolve("other.pem")), certs.get(0)));
    assertEquals("tls: private key does not match public key", e.getMessage());
  }

  @Test
  void unreadableFilesGetGoMessages() throws Exception {
    Path missing = dir.resolve("nope.key");
    assertEquals("open " + missing + ": no such file or directory",
        assertThrows(PemFiles.BadPemException.class, () -> PemFiles.privateKey(missing)).getMessage());
    Path junk = Files.writeString(dir.resolve("junk.pem"), "not a pem file\n");
    assertEquals("tls: failed to find any PEM data in key input",
        assertThrows(PemFiles.BadPemException.class, () -> PemFiles.privateKey(junk)).getMessage());
    assertEquals("tls: failed to find any PEM data in certificate input",
        assertThrows(PemFiles.BadPemException.class, () -> PemFiles.certificates(junk)).getMessage());
  }

  @Test
  void selfSignedPairIsGeneratedOnceWithTheListenHostsAsNames() throws Exception {
    Path fixtures = dir.resolve("fixtures/client");
    Path[] pair = SelfSignedCert.ensure(fixtures, List.of(URI.create("https://127.0.0.1:2379"),
        URI.create("https://localhost:2379")), 1, false);
    X509Certificate cert = PemFiles.certificates(pair[0]).get(0);
    PemFiles.checkMatches(PemFiles.privateKey(pair[1]), cert);
    assertTrue(VerifyingTrustManager.matchesHost(cert, "127.0.0.1"));
    assertTrue(VerifyingTrustManager.matchesHost(cert, "localhost"));
    assertTrue(cert.getSubjectX500Principal().getName().contains("O=etcd"));
    String before = Files.readString(pair[0]);
    SelfSignedCert.ensure(fixtures, List.of(URI.create("https://127.0.0.1:2379")), 1, false);
    assertEquals(before, Files.readString(pair[0]), "a restart keeps the generated certificate");
  }

  @Test
  void cipherSuitesTakeEtcdsNames() {
    assertEquals(List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
        CipherSuites.parse("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305"));
    assertEquals("unexpected TLS cipher suite \"FOO\"",
        assertThrows(EtcdConfigException.class, () -> CipherSuites.parse("FOO")).getMessage());
  }
}
