package io.akkaetcd.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The jetcd client against one member: key-value work and etcd's errors, end to end over gRPC. */
class JetcdKvTest {
  private static TestMember member;
  private static Client client;
  private static KV kv;

  @BeforeAll
  static void start() {
    member = TestMember.start();
    client = Client.builder().endpoints(member.endpoint()).build();
    kv = client.getKVClient();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    member.close();
  }

  static ByteSequence bs(String s) {
    return ByteSequence.from(s, UTF_8);
  }

  static <T> T await(java.util.concurrent.CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  static Status.Code codeOf(java.util.concurrent.CompletableFuture<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
    return Status.fromThrowable(e.getCause()).getCode();
  }

  static String messageOf(java.util.concurrent.CompletableFuture<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
    return Status.fromThrowable(e.getCause()).getDescription();
  }

  @Test
  void putThenGetReturnsValueAndRevisions() throws Exception {
    PutResponse put = await(kv.put(bs("jk/a"), bs("1")));
    long rev = put.getHeader().getRevision();
    GetResponse got = await(kv.get(bs("jk/a")));
    assertEquals(1, got.getKvs().size());
    KeyValue kvA = got.getKvs().get(0);
    assertEquals("1", kvA.getValue().toString(UTF_8));
    assertEquals(rev, kvA.getModRevision());
    assertEquals(rev, kvA.getCreateRevision());
    assertEquals(1, kvA.getVersion());
    assertTrue(got.getHeader().getMemberId() != 0, "header carries the member id");
  }

  @Test
  void prefixGetListsKeysInOrderAndHistoricalReadSeesOldValue() throws Exception {
    long first = await(kv.put(bs("jp/x"), bs("old"))).getHeader().getRevision();
    await(kv.put(bs("jp/y"), bs("y")));
    await(kv.put(bs("jp/x"), bs("new")));
    GetResponse prefix = await(kv.get(bs("jp/"), GetOption.builder().isPrefix(true).build()));
    assertEquals(List.of("jp/x", "jp/y"), prefix.getKvs().stream().map(k -> k.getKey().toString(UTF_8)).toList());
    assertEquals("new", prefix.getKvs().get(0).getValue().toString(UTF_8));
    assertEquals(2, prefix.getKvs().get(0).getVersion());
    GetResponse old = await(kv.get(bs("jp/x"), GetOption.builder().withRevision(first).build()));
    assertEquals("old", old.getKvs().get(0).getValue().toString(UTF_8));
  }

  @Test
  void deleteWithPrevKvReturnsDeletedPairs() throws Exception {
    await(kv.put(bs("jd/1"), bs("a")));
    await(kv.put(bs("jd/2"), bs("b")));
    var deleted = await(kv.delete(bs("jd/"), DeleteOption.builder().isPrefix(true).withPrevKV(true).build()));
    assertEquals(2, deleted.getDeleted());
    assertEquals(List.of("a", "b"), deleted.getPrevKvs().stream().map(k -> k.getValue().toString(UTF_8)).toList());
    assertEquals(0, await(kv.get(bs("jd/1"))).getCount());
  }

  @Test
  void txnTakesSuccessOrFailureBranchByCompare() throws Exception {
    long rev = await(kv.put(bs("jt/k"), bs("v1"))).getHeader().getRevision();
    TxnResponse ok = await(kv.txn()
        .If(new Cmp(bs("jt/k"), Cmp.Op.EQUAL, CmpTarget.modRevision(rev)))
        .Then(Op.put(bs("jt/k"), bs("v2"), PutOption.DEFAULT))
        .Else(Op.get(bs("jt/k"), GetOption.DEFAULT))
        .commit());
    assertTrue(ok.isSucceeded());
    TxnResponse stale = await(kv.txn()
        .If(new Cmp(bs("jt/k"), Cmp.Op.EQUAL, CmpTarget.modRevision(rev)))
        .Then(Op.put(bs("jt/k"), bs("v3"), PutOption.DEFAULT))
        .Else(Op.get(bs("jt/k"), GetOption.DEFAULT))
        .commit());
    assertFalse(stale.isSucceeded());
    assertEquals("v2", stale.getGetResponses().get(0).getKvs().get(0).getValue().toString(UTF_8));
  }

  @Test
  void compactedAndFutureRevisionsFailWithEtcdErrors() throws Exception {
    long r1 = await(kv.put(bs("jc/k"), bs("1"))).getHeader().getRevision();
    long r2 = await(kv.put(bs("jc/k"), bs("2"))).getHeader().getRevision();
    await(client.getKVClient().compact(r2));
    var compacted = kv.get(bs("jc/k"), GetOption.builder().withRevision(r1).build());
    assertEquals("etcdserver: mvcc: required revision has been compacted", messageOf(compacted));
    assertEquals(Status.Code.OUT_OF_RANGE,
        codeOf(kv.get(bs("jc/k"), GetOption.builder().withRevision(r1).build())));
    var future = kv.get(bs("jc/k"), GetOption.builder().withRevision(r2 + 1000).build());
    assertEquals("etcdserver: mvcc: required revision is a future revision", messageOf(future));
  }

  @Test
  void oversizedRequestIsRejectedAndNothingIsWritten() throws Exception {
    byte[] big = new byte[2 * 1024 * 1024];
    var put = kv.put(bs("jbig"), ByteSequence.from(big));
    ExecutionException e = assertThrows(ExecutionException.class, () -> put.get(10, TimeUnit.SECONDS));
    Status status = Status.fromThrowable(e.getCause());
    assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
    assertEquals("etcdserver: request is too large", status.getDescription());
    assertEquals(0, await(kv.get(bs("jbig"))).getCount());
  }

  @Test
  void txnWithTooManyOpsOrDuplicateKeysIsRejected() throws Exception {
    Op[] ops = new Op[129];
    for (int i = 0; i < ops.length; i++) {
      ops[i] = Op.put(bs("jm/" + i), bs("v"), PutOption.DEFAULT);
    }
    assertEquals("etcdserver: too many operations in txn request", messageOf(kv.txn().Then(ops).commit()));
    var dup = kv.txn().Then(Op.put(bs("jdup"), bs("1"), PutOption.DEFAULT),
        Op.put(bs("jdup"), bs("2"), PutOption.DEFAULT)).commit();
    assertEquals("etcdserver: duplicate key given in txn request", messageOf(dup));
    assertEquals(0, await(kv.get(bs("jdup"))).getCount());
  }

  @Test
  void putWithUnknownLeaseIsNotFound() throws Exception {
    var put = kv.put(bs("jl"), bs("v"), PutOption.builder().withLeaseId(0x1234).build());
    ExecutionException e = assertThrows(ExecutionException.class, () -> put.get(10, TimeUnit.SECONDS));
    Status status = Status.fromThrowable(e.getCause());
    assertEquals(Status.Code.NOT_FOUND, status.getCode());
    assertEquals("etcdserver: requested lease not found", status.getDescription());
  }

  @Test
  void emptyKeyIsRejected() {
    assertEquals("etcdserver: key is not provided", messageOf(kv.put(bs(""), bs("v"))));
  }
}
