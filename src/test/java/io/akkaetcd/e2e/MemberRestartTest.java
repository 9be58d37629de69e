package io.akkaetcd.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Acknowledged writes, their revisions and compaction survive a restart over the same data dir. */
class MemberRestartTest {

  @Test
  void restartKeepsEveryAcknowledgedWriteAndTheRevision() throws Exception {
    try (TestMember member = TestMember.start()) {
      long lastRevision;
      try (Client client = Client.builder().endpoints(member.endpoint()).build()) {
        List<CompletableFuture<io.etcd.jetcd.kv.PutResponse>> puts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
          puts.add(client.getKVClient().put(ByteSequence.from("r/" + i, UTF_8), ByteSequence.from("v" + i, UTF_8)));
        }
        lastRevision = 0;
        for (var put : puts) {
          lastRevision = Math.max(lastRevision, put.get(10, TimeUnit.SECONDS).getHeader().getRevision());
        }
        client.getKVClient().delete(ByteSequence.from("r/0", UTF_8)).get(10, TimeUnit.SECONDS);
        client.getKVClient().compact(lastRevision).get(10, TimeUnit.SECONDS);
      }
      assertEquals(301, lastRevision, "300 puts on a fresh store end at revision 301");

      member.restart();

      try (Client client = Client.builder().endpoints(member.endpoint()).build()) {
        GetResponse all = client.getKVClient().get(ByteSequence.from("r/", UTF_8),
            GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS);
        assertEquals(299, all.getCount());
        assertEquals(302, all.getHeader().getRevision(), "the delete made revision 302");
        for (var kv : all.getKvs()) {
          String key = kv.getKey().toString(UTF_8);
          assertEquals("v" + key.substring(2), kv.getValue().toString(UTF_8));
        }
        var compacted = client.getKVClient().get(ByteSequence.from("r/5", UTF_8),
            GetOption.builder().withRevision(lastRevision - 1).build());
        assertEquals("etcdserver: mvcc: required revision has been compacted",
            JetcdKvTest.messageOf(compacted));
      }
    }
  }
}
