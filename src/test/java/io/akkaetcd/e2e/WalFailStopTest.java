package io.akkaetcd.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.javadsl.Adapter;
import akka.persistence.testkit.PersistenceTestKitPlugin;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.server.EtcdServer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.PutResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A journal write that fails or is rejected (injected with Akka's persistence testkit) is never acknowledged, and
 * the member fail-stops.
 */
class WalFailStopTest {

  @Test
  void aFailedJournalWriteIsNeverAcknowledgedAndFailStopsTheMember() throws Exception {
    assertNotAcknowledgedAndFailStopped(PersistenceTestKit::failNextPersisted);
  }

  @Test
  void aRejectedJournalWriteIsNeverAcknowledgedAndFailStopsTheMember() throws Exception {
    assertNotAcknowledgedAndFailStopped(PersistenceTestKit::rejectNextPersisted);
  }

  private static void assertNotAcknowledgedAndFailStopped(Consumer<PersistenceTestKit> inject) throws Exception {
    Path dir = Files.createTempDirectory("akka-etcd-failstop");
    String peer = "http://127.0.0.1:" + RealEtcd.freePort();
    Config config = ConfigFactory.parseMap(Map.of(
            "akka-etcd.data-dir", dir.toString(),
            "akka-etcd.listen-client-urls", "http://127.0.0.1:0",
            "akka-etcd.listen-peer-urls", peer,
            "akka-etcd.initial-advertise-peer-urls", peer,
            "akka-etcd.initial-cluster", "default=" + peer))
        .withFallback(PersistenceTestKitPlugin.getInstance().config())
        .withFallback(ConfigFactory.load());
    CompletableFuture<String> failStopped = new CompletableFuture<>();
    EtcdServer server = EtcdServer.start(MemberConfig.from(config), config,
        (what, cause) -> failStopped.complete(what));
    try {
      server.ready().toCompletableFuture().get(30, TimeUnit.SECONDS);
      try (Client client = Client.builder().endpoints("http://127.0.0.1:" + server.clientPort()).build()) {
        inject.accept(PersistenceTestKit.create(Adapter.toClassic(server.actorSystem())));
        CompletableFuture<PutResponse> put = client.getKVClient()
            .put(ByteSequence.from("k", UTF_8), ByteSequence.from("v", UTF_8)).toCompletableFuture();

        String reason = failStopped.get(20, TimeUnit.SECONDS);
        assertTrue(reason.contains("WAL"), reason);
        // Once the member is closed nothing can answer the put any more: it must not have succeeded.
        server.close();
        server = null;
        assertFalse(put.isDone() && !put.isCompletedExceptionally(), "the failed write was acknowledged");
      }
    } finally {
      if (server != null) server.close();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
