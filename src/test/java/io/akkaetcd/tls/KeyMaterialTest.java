package io.akkaetcd.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.http.javadsl.model.AttributeKeys;
import akka.http.javadsl.model.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Handshakes between a server engine and a client engine in memory, with openssl-made certificates: who
 * is let in (etcd's ServerConfig / ClientConfig rules), and a certificate rotated on disk.
 */
class KeyMaterialTest {
  @TempDir
  static Path dir;
  static TestCerts ca;
  static TestCerts otherCa;
  static Path[] m1;
  static Path[] m2;
  static Path[] stranger;

  @BeforeAll
  static void certificates() throws Exception {
    ca = TestCerts.authority(dir, "ca");
    otherCa = TestCerts.authority(dir, "other-ca");
    m1 = ca.issue("m1", "member1");
    m2 = ca.issue("m2", "member2");
    stranger = otherCa.issue("stranger", "member1");
  }

  static TlsOptions options(Path[] pair, Path caFile, boolean clientCertAuth, String allowedCn) {
    return new TlsOptions(pair[0].toString(), pair[1].toString(), caFile == null ? "" : caFile.toString(),
        clientCertAuth, "", allowedCn, "", List.of(), false);
  }

  @Test
  void mutualAuthenticationLetsInACertificateOfTheCaAndExposesItsCommonName() throws Exception {
    KeyMaterial server = KeyMaterial.load(options(m1, ca.caCert(), true, ""));
    KeyMaterial client = KeyMaterial.load(options(m2, ca.caCert(), false, ""));
    SSLEngine s = server.serverEngine();
    handshake(client.clientEngine("127.0.0.1", 2380), s);
    SSLSession session = s.getSession();
    HttpRequest request = HttpRequest.create("/")
        .addAttribute(AttributeKeys.sslSession, new akka.http.scaladsl.model.SslSessionInfo(session));
    assertEquals(Optional.of("member2"), ClientCertificates.commonName(request));
    assertEquals(Optional.empty(), ClientCertificates.commonName(HttpRequest.create("/")), "plain HTTP: no CN");
  }

  @Test
  void clientWithoutCertificateOrFromAnotherCaIsRefused() throws Exception {
    KeyMaterial server = KeyMaterial.load(options(m1, ca.caCert(), true, ""));
    KeyMaterial foreign = KeyMaterial.load(options(stranger, ca.caCert(), false, ""));
    assertThrows(SSLException.class, () -> handshake(foreign.clientEngine("127.0.0.1", 2380), server.serverEngine()));

    // a client that has a CA to check the server with but no certificate of its own
    KeyMaterial anonymous = KeyMaterial.load(options(m2, ca.caCert(), false, ""));
    SSLEngine noCert = javax.net.ssl.SSLContext.getDefault().createSSLEngine("127.0.0.1", 2380);
    noCert.setUseClientMode(true);
    assertThrows(SSLException.class, () -> handshake(noCert, server.serverEngine()));
    handshake(anonymous.clientEngine("127.0.0.1", 2380), server.serverEngine()); // the control: same CA passes
  }

  @Test
  void withoutClientCertAuthOrCaTheServerAsksForNoCertificate() throws Exception {
    KeyMaterial server = KeyMaterial.load(options(m1, null, false, ""));
    KeyMaterial foreign = KeyMaterial.load(options(stranger, ca.caCert(), false, ""));
    SSLEngine s = server.serverEngine();
    handshake(foreign.clientEngine("127.0.0.1", 2379), s);
    assertThrows(javax.net.ssl.SSLPeerUnverifiedException.class, () -> s.getSession().getPeerCertificates());
  }

  @Test
  void dialerChecksTheServerCertificateAgainstTheHostItDials() throws Exception {
    KeyMaterial server = KeyMaterial.load(options(m1, ca.caCert(), false, ""));
    KeyMaterial client = KeyMaterial.load(options(m2, ca.caCert(), false, ""));
    assertThrows(SSLException.class, () -> handshake(client.clientEngine("10.1.2.3", 2380), server.serverEngine()));
    handshake(client.clientEngine("localhost", 2380), server.serverEngine());
  }

  @Test
  void allowedCommonNameRefusesOtherMembers() throws Exception {
    KeyMaterial server = KeyMaterial.load(options(m1, ca.caCert(), true, "member1"));
    KeyMaterial asMember2 = KeyMaterial.load(options(m2, ca.caCert(), false, ""));
    KeyMaterial asMember1 = KeyMaterial.load(options(m1, ca.caCert(), false, ""));
    assertThrows(SSLException.class, () -> handshake(asMember2.clientEngine("127.0.0.1", 2380), server.serverEngine()));
    handshake(asMember1.clientEngine("127.0.0.1", 2380), server.serverEngine());
  }

  @Test
  void certificateReplacedOnDiskServesTheNextConnection() throws Exception {
    Path cert = dir.resolve("serving.crt");
    Path key = dir.resolve("serving.key");
    Files.copy(m1[0], cert, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(m1[1], key, StandardCopyOption.REPLACE_EXISTING);
    KeyMaterial server = KeyMaterial.load(options(new Path[] {cert, key}, null, false, ""));
    KeyMaterial client = KeyMaterial.load(options(m2, ca.caCert(), false, ""));
    assertEquals("member1", serverCn(client, server));

    // cert-manager's way: new files moved over the old ones
    Files.copy(m2[1], dir.resolve("next.key"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(m2[0], dir.resolve("next.crt"), StandardCopyOption.REPLACE_EXISTING);
    Files.move(dir.resolve("next.key"), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.move(dir.resolve("next.crt"), cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    assertEquals("member2", serverCn(client, server));

    // a half-written rotation (garbage key) keeps serving the last good pair
    Files.writeString(key, "truncated");
    assertEquals("member2", serverCn(client, server));
  }

  private static String serverCn(KeyMaterial client, KeyMaterial server) throws SSLException {
    SSLEngine c = client.clientEngine("127.0.0.1", 2379);
    handshake(c, server.serverEngine());
    try {
      X509Certificate leaf = (X509Certificate) c.getSession().getPeerCertificates()[0];
      return VerifyingTrustManager.commonName(leaf).orElseThrow();
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      throw new AssertionError(e);
    }
  }

  /** Pumps records between the two engines until both have finished the handshake; throws what either throws. */
  static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
    ByteBuffer empty = ByteBuffer.allocate(0);
    ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
    ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
    ByteBuffer appIn = ByteBuffer.allocate(1 << 17);
    client.beginHandshake();
    server.beginHandshake();
    for (int round = 0; round < 200; round++) {
      client.wrap(empty, toServer);
      tasks(client);
      server.wrap(empty, toClient);
      tasks(server);
      toServer.flip();
      server.unwrap(toServer, appIn);
      toServer.compact();
      tasks(server);
      toClient.flip();
      client.unwrap(toClient, appIn);
      toClient.compact();
      tasks(client);
      if (done(client) && done(server) && toServer.position() == 0 && toClient.position() == 0) {
        if (client.isOutboundDone() || server.isOutboundDone()) throw new SSLException("closed during handshake");
        return;
      }
    }
    throw new SSLException("handshake did not finish");
  }

  private static boolean done(SSLEngine e) {
    HandshakeStatus s = e.getHandshakeStatus();
    return s == HandshakeStatus.NOT_HANDSHAKING || s == HandshakeStatus.FINISHED;
  }

  private static void tasks(SSLEngine e) {
    for (Runnable r = e.getDelegatedTask(); r != null; r = e.getDelegatedTask()) r.run();
  }
}
