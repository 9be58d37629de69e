package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.grpc.GrpcClientSettings;
import com.google.protobuf.ByteString;
import io.akkaetcd.api.KVClient;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RangeResponse;
import io.akkaetcd.client.EtcdClientSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The client artifact (target/akka-etcd-client.jar) holds every service's generated Akka gRPC
 * client and the API messages, and nothing of the server; the README's example, the code below, talks
 * to a member with it.
 */
class AkkaGrpcClientTest {
  static final Set<String> SERVICES = Set.of("KV", "Watch", "Lease", "Cluster", "Maintenance", "Auth", "Lock", "Election");

  @Test
  void theClientJarHoldsEveryServicesClientAndNoServer() throws Exception {
    Path jar = Path.of(System.getProperty("akkaetcd.client-jar", "target/missing-client.jar"));
    assertTrue(Files.isRegularFile(jar), "the build makes " + jar);
    Set<String> clients = new TreeSet<>();
    try (JarFile j = new JarFile(jar.toFile())) {
      j.stream().filter(e -> !e.isDirectory()).forEach(e -> {
        String n = e.getName();
        assertTrue(n.startsWith("META-INF/") || n.startsWith("io/akkaetcd/api/") || n.startsWith("io/akkaetcd/client/"), n);
        assertTrue(!n.contains("HandlerFactory"), "no server handler: " + n);
        if (n.endsWith("Client.class") && !n.contains("$")) clients.add(n.substring("io/akkaetcd/api/".length(), n.length() - "Client.class".length()));
      });
    }
    assertEquals(new TreeSet<>(SERVICES), clients);
  }

  @Test
  void anAkkaApplicationPutsAndGetsThroughTheGeneratedClient() throws Exception {
    try (TestMember member = TestMember.start()) {
      // the README's example, as it is written there
      ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "etcd-client");
      try {
        GrpcClientSettings settings = EtcdClientSettings.plaintext("127.0.0.1", member.port(), system);
        KVClient kv = KVClient.create(settings, system);
        kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("greeting"))
            .setValue(ByteString.copyFromUtf8("hello")).build()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        RangeResponse r = kv.range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("greeting")).build())
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("hello", r.getKvs(0).getValue().toStringUtf8());
        kv.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } finally {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }
}
