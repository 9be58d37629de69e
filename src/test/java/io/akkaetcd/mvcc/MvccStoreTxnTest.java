package io.akkaetcd.mvcc;

import static io.akkaetcd.mvcc.StoreFixture.assertError;
import static io.akkaetcd.mvcc.StoreFixture.b;
import static io.akkaetcd.mvcc.StoreFixture.kv;
import static io.akkaetcd.mvcc.TxnOps.del;
import static io.akkaetcd.mvcc.TxnOps.get;
import static io.akkaetcd.mvcc.TxnOps.put;
import static io.akkaetcd.mvcc.TxnOps.then;
import static io.akkaetcd.mvcc.TxnOps.txn;
import static io.akkaetcd.mvcc.TxnOps.versionIs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.akkaetcd.api.Compare;
import io.akkaetcd.api.Compare.CompareResult;
import io.akkaetcd.api.Compare.CompareTarget;
import io.akkaetcd.api.CompactionRequest;
import io.akkaetcd.api.Event;
import io.akkaetcd.api.KeyValue;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RequestOp;
import io.akkaetcd.api.ResponseHeader;
import io.akkaetcd.api.TxnRequest;
import io.akkaetcd.api.TxnResponse;
import io.akkaetcd.errors.EtcdError;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Txn compares, branches, nesting, revisions, and the checks made before a txn writes anything. */
class MvccStoreTxnTest {

  /** rev 2: k=v1 lease 3; rev 3: k=v2 lease 3; rev 4: other=o. So k: create 2, mod 3, version 2, lease 3. */
  static StoreFixture state() {
    StoreFixture f = new StoreFixture();
    f.put("k", "v1", 3);
    f.put("k", "v2", 3);
    f.put("other", "o");
    return f;
  }

  record CompareCase(String name, Compare compare, boolean succeeds) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Compare.Builder cmp(String key, CompareTarget target, CompareResult result) {
    return Compare.newBuilder().setKey(b(key)).setTarget(target).setResult(result);
  }

  static CompareCase version(String key, CompareResult r, long v, boolean ok) {
    return new CompareCase(key + " version " + r + " " + v, cmp(key, CompareTarget.VERSION, r).setVersion(v).build(), ok);
  }

  static CompareCase create(String key, CompareResult r, long v, boolean ok) {
    return new CompareCase(key + " create " + r + " " + v,
        cmp(key, CompareTarget.CREATE, r).setCreateRevision(v).build(), ok);
  }

  static CompareCase mod(String key, CompareResult r, long v, boolean ok) {
    return new CompareCase(key + " mod " + r + " " + v, cmp(key, CompareTarget.MOD, r).setModRevision(v).build(), ok);
  }

  static CompareCase value(String key, CompareResult r, String v, boolean ok) {
    return new CompareCase(key + " value " + r + " " + v, cmp(key, CompareTarget.VALUE, r).setValue(b(v)).build(), ok);
  }

  static CompareCase lease(String key, CompareResult r, long v, boolean ok) {
    return new CompareCase(key + " lease " + r + " " + v, cmp(key, CompareTarget.LEASE, r).setLease(v).build(), ok);
  }

  static Stream<CompareCase> compareCases() {
    CompareResult eq = CompareResult.EQUAL;
    CompareResult gt = CompareResult.GREATER;
    CompareResult lt = CompareResult.LESS;
    CompareResult ne = CompareResult.NOT_EQUAL;
    return Stream.of(
        version("k", eq, 2, true), version("k", eq, 1, false), version("k", gt, 1, true),
        version("k", gt, 2, false), version("k", lt, 3, true), version("k", lt, 2, false),
        version("k", ne, 2, false), version("k", ne, 5, true),
        create("k", eq, 2, true), create("k", eq, 3, false), create("k", gt, 1, true), create("k", gt, 2, false),
        create("k", lt, 3, true), create("k", lt, 2, false), create("k", ne, 2, false), create("k", ne, 9, true),
        mod("k", eq, 3, true), mod("k", eq, 2, false), mod("k", gt, 2, true), mod("k", gt, 3, false),
        mod("k", lt, 4, true), mod("k", lt, 3, false), mod("k", ne, 3, false), mod("k", ne, 4, true),
        value("k", eq, "v2", true), value("k", eq, "v1", false), value("k", gt, "v1", true),
        value("k", gt, "v2", false), value("k", lt, "v3", true), value("k", lt, "v1", false),
        value("k", ne, "v2", false), value("k", ne, "", true),
        lease("k", eq, 3, true), lease("k", eq, 0, false), lease("k", gt, 2, true), lease("k", gt, 3, false),
        lease("k", lt, 4, true), lease("k", lt, 3, false), lease("k", ne, 3, false), lease("k", ne, 0, true),
        // a missing key compares as a zero KeyValue, except that any VALUE compare fails
        version("nope", eq, 0, true), version("nope", gt, 0, false), create("nope", eq, 0, true),
        mod("nope", lt, 1, true), lease("nope", eq, 0, true), lease("nope", ne, 0, false),
        value("nope", eq, "", false), value("nope", ne, "x", false), value("nope", lt, "x", false),
        // the key was deleted: same as missing
        version("gone", eq, 0, true), value("gone", eq, "g", false),
        // with range_end, every key in the range must hold
        new CompareCase("[k, p) mod > 2", cmp("k", CompareTarget.MOD, gt).setRangeEnd(b("p")).setModRevision(2).build(),
            true),
        new CompareCase("[k, p) mod = 3", cmp("k", CompareTarget.MOD, eq).setRangeEnd(b("p")).setModRevision(3).build(),
            false),
        new CompareCase("[a, \\0) version > 0",
            cmp("a", CompareTarget.VERSION, gt).setRangeEnd(b("\0")).setVersion(0).build(), true),
        new CompareCase("empty range version = 0",
            cmp("x", CompareTarget.VERSION, eq).setRangeEnd(b("y")).setVersion(0).build(), true),
        new CompareCase("empty range value = ''",
            cmp("x", CompareTarget.VALUE, eq).setRangeEnd(b("y")).setValue(ByteString.EMPTY).build(), false),
        // the union holds another target: the compared target is compared to 0
        new CompareCase("version target, mod operand",
            cmp("k", CompareTarget.VERSION, gt).setModRevision(99).build(), true),
        new CompareCase("value target, no operand", cmp("k", CompareTarget.VALUE, gt).build(), true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("compareCases")
  void compare(CompareCase c) {
    StoreFixture f = state();
    f.put("gone", "g");
    f.delete("gone");
    TxnResponse resp = f.store.txn(txn(List.of(c.compare()), List.of(put("s", "yes")), List.of(put("f", "no"))));
    assertEquals(c.succeeds(), resp.getSucceeded());
    assertEquals(7, resp.getHeader().getRevision());
    assertEquals(c.succeeds() ? "yes" : null, value(f, "s"));
    assertEquals(c.succeeds() ? null : "no", value(f, "f"));
  }

  @Test
  void allComparesMustHold() {
    StoreFixture f = state();
    assertTrue(f.store.txn(txn(List.of(versionIs("k", 2), versionIs("other", 1)), List.of(), List.of()))
        .getSucceeded());
    assertFalse(f.store.txn(txn(List.of(versionIs("k", 2), versionIs("other", 2)), List.of(), List.of()))
        .getSucceeded());
  }

  @Test
  void writesShareOneMainRevisionWithSubRevisionsInOrder() {
    StoreFixture f = state();
    TxnResponse resp = f.store.txn(then(put("a", "1"), del("other"), put("b", "2"), put("k", "v3")));
    assertTrue(resp.getSucceeded());
    assertEquals(5, resp.getHeader().getRevision());
    assertEquals(5, f.store.currentRevision());
    assertEquals(List.of(List.of(new Revision(5, 0))), f.store.generations(b("a")));
    assertEquals(List.of(List.of(new Revision(4, 0), new Revision(5, 1)), List.of()),
        f.store.generations(b("other")));
    assertEquals(List.of(List.of(new Revision(5, 2))), f.store.generations(b("b")));
    assertEquals(List.of(List.of(new Revision(2, 0), new Revision(3, 0), new Revision(5, 3))),
        f.store.generations(b("k")));
    assertEquals(kv("k", "v3", 2, 5, 3), f.get("k"));
    // one event list for the revision, in op order
    List<Event> last = f.events.get(f.events.size() - 1);
    assertEquals(List.of("PUT a", "DELETE other", "PUT b", "PUT k"),
        last.stream().map(e -> e.getType() + " " + e.getKv().getKey().toStringUtf8()).toList());
    assertEquals(4, f.events.size());
  }

  @Test
  void opsSeeTheWritesOfEarlierOps() {
    StoreFixture f = state();
    TxnResponse resp = f.store.txn(then(get("x"), put("x", "1"), get("x"), del("k"), get("k"),
        get(RangeRequest.newBuilder().setKey(b("k")).setRevision(4))));
    assertEquals(0, resp.getResponses(0).getResponseRange().getCount());
    assertEquals(4, resp.getResponses(0).getResponseRange().getHeader().getRevision());
    assertEquals(5, resp.getResponses(1).getResponsePut().getHeader().getRevision());
    assertEquals(List.of(kv("x", "1", 5, 5, 1)), resp.getResponses(2).getResponseRange().getKvsList());
    assertEquals(5, resp.getResponses(2).getResponseRange().getHeader().getRevision());
    assertEquals(1, resp.getResponses(3).getResponseDeleteRange().getDeleted());
    assertEquals(0, resp.getResponses(4).getResponseRange().getCount());
    assertEquals("v2", resp.getResponses(5).getResponseRange().getKvs(0).getValue().toStringUtf8());
  }

  @Test
  void readOnlyTxnKeepsTheRevision() {
    StoreFixture f = state();
    int eventsBefore = f.events.size();
    TxnResponse resp = f.store.txn(then(get("k")));
    assertEquals(4, resp.getHeader().getRevision());
    assertEquals(4, resp.getResponses(0).getResponseRange().getHeader().getRevision());
    assertEquals(4, f.store.currentRevision());
    assertEquals(eventsBefore, f.events.size());
  }

  @Test
  void txnThatChangesNothingKeepsTheRevision() {
    StoreFixture f = state();
    TxnResponse resp = f.store.txn(then(del("nope"), del("x", "y")));
    assertEquals(4, resp.getHeader().getRevision());
    assertEquals(4, resp.getResponses(0).getResponseDeleteRange().getHeader().getRevision());
    assertEquals(4, f.store.currentRevision());
    assertEquals(3, f.events.size());
    TxnResponse failed = f.store.txn(txn(List.of(versionIs("k", 9)), List.of(put("a", "1")), List.of()));
    assertFalse(failed.getSucceeded());
    assertEquals(4, failed.getHeader().getRevision());
  }

  @Test
  void nestedTxnRunsTheBranchItsCompareChose() {
    StoreFixture f = state();
    TxnRequest inner = txn(List.of(versionIs("k", 2)), List.of(put("b", "inner-then")), List.of(put("c", "inner-else")));
    TxnRequest outerFailsInto = txn(List.of(versionIs("k", 1)), List.of(put("x", "no")),
        List.of(TxnOps.txn(txn(List.of(versionIs("k", 1)), List.of(put("y", "no")), List.of(put("z", "yes"))))));
    TxnResponse resp = f.store.txn(then(put("a", "1"), TxnOps.txn(inner), get("b")));
    assertTrue(resp.getSucceeded());
    TxnResponse nested = resp.getResponses(1).getResponseTxn();
    assertTrue(nested.getSucceeded());
    assertEquals(ResponseHeader.getDefaultInstance(), nested.getHeader(), "etcd leaves a nested header empty");
    assertEquals(5, nested.getResponses(0).getResponsePut().getHeader().getRevision());
    assertEquals(List.of(kv("b", "inner-then", 5, 5, 1)), resp.getResponses(2).getResponseRange().getKvsList());
    assertEquals(List.of(List.of(new Revision(5, 1))), f.store.generations(b("b")));
    assertNull(f.get("c"));

    TxnResponse other = f.store.txn(outerFailsInto);
    assertFalse(other.getSucceeded());
    assertFalse(other.getResponses(0).getResponseTxn().getSucceeded());
    assertEquals(6, other.getHeader().getRevision());
    assertEquals("yes", value(f, "z"));
    assertNull(f.get("x"));
    assertNull(f.get("y"));
  }

  @Test
  void nestedComparesSeeTheStoreBeforeTheTxn() {
    // As etcd's compareToPath: all compares are judged before any op runs, so the nested compare sees
    // k at version 2 although the outer put has made it 3 by the time the nested txn runs.
    StoreFixture f = state();
    TxnRequest inner = txn(List.of(versionIs("k", 2)), List.of(put("seen", "before")), List.of(put("seen", "after")));
    TxnResponse resp = f.store.txn(then(put("k", "v3"), TxnOps.txn(inner)));
    assertTrue(resp.getResponses(1).getResponseTxn().getSucceeded());
    assertEquals("before", value(f, "seen"));
  }

  record TxnErrorCase(String name, TxnRequest request, EtcdError error) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<TxnErrorCase> txnErrors() {
    RequestOp ignoreValueOnMissing = put(PutRequest.newBuilder().setKey(b("nope")).setIgnoreValue(true));
    RequestOp ignoreLeaseOnMissing = put(PutRequest.newBuilder().setKey(b("nope")).setIgnoreLease(true));
    RequestOp unknownLease = put(PutRequest.newBuilder().setKey(b("x")).setLease(42));
    RequestOp futureRead = get(RangeRequest.newBuilder().setKey(b("k")).setRevision(5));
    RequestOp compactedRead = get(RangeRequest.newBuilder().setKey(b("k")).setRevision(2));
    return Stream.of(
        new TxnErrorCase("ignore_value on missing key", then(put("a", "1"), ignoreValueOnMissing),
            EtcdError.KEY_NOT_FOUND),
        new TxnErrorCase("ignore_lease on missing key", then(put("a", "1"), ignoreLeaseOnMissing),
            EtcdError.KEY_NOT_FOUND),
        new TxnErrorCase("unknown lease", then(put("a", "1"), unknownLease), EtcdError.LEASE_NOT_FOUND),
        new TxnErrorCase("future read after a put", then(put("a", "1"), futureRead), EtcdError.FUTURE_REV),
        new TxnErrorCase("compacted read", then(put("a", "1"), compactedRead), EtcdError.COMPACTED),
        new TxnErrorCase("compacted read in read-only txn", then(compactedRead), EtcdError.COMPACTED),
        new TxnErrorCase("bad op in nested txn",
            then(put("a", "1"), TxnOps.txn(then(put("b", "2"), unknownLease))), EtcdError.LEASE_NOT_FOUND),
        new TxnErrorCase("bad op on the failure path taken",
            txn(List.of(versionIs("k", 9)), List.of(), List.of(put("a", "1"), futureRead)), EtcdError.FUTURE_REV));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("txnErrors")
  void txnFailsBeforeWritingAnything(TxnErrorCase c) {
    StoreFixture f = state();
    f.store.compact(CompactionRequest.newBuilder().setRevision(3).build());
    int events = f.events.size();
    assertError(c.error(), () -> f.store.txn(c.request()));
    assertEquals(4, f.store.currentRevision());
    assertEquals(events, f.events.size());
    assertNull(f.get("a"));
    assertNull(f.get("b"));
    // the store still takes writes normally afterwards
    assertEquals(5, f.put("a", "after"));
  }

  @Test
  void badOpsOnTheBranchNotTakenAreNotChecked() {
    StoreFixture f = state();
    RequestOp unknownLease = put(PutRequest.newBuilder().setKey(b("x")).setLease(42));
    TxnResponse resp = f.store.txn(txn(List.of(versionIs("k", 2)), List.of(put("a", "1")), List.of(unknownLease)));
    assertTrue(resp.getSucceeded());
    assertEquals(5, f.store.currentRevision());
  }

  @Test
  void putInTxnTakesTheLeaseAndPrevKv() {
    StoreFixture f = state();
    TxnResponse resp = f.store.txn(then(
        put(PutRequest.newBuilder().setKey(b("k")).setValue(b("v3")).setLease(4).setPrevKv(true)),
        put(PutRequest.newBuilder().setKey(b("other")).setIgnoreValue(true).setLease(5))));
    assertEquals(kv("k", "v2", 2, 3, 2).toBuilder().setLease(3).build(),
        resp.getResponses(0).getResponsePut().getPrevKv());
    assertEquals(kv("other", "o", 4, 5, 2).toBuilder().setLease(5).build(), f.get("other"));
    assertEquals(List.of("attach 3 k", "detach 3 k", "attach 4 k", "attach 5 other"), f.leases.calls);
  }

  private static String value(StoreFixture f, String key) {
    KeyValue kv = f.get(key);
    return kv == null ? null : kv.getValue().toStringUtf8();
  }
}
