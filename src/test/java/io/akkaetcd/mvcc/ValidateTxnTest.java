package io.akkaetcd.mvcc;

import static io.akkaetcd.mvcc.StoreFixture.assertError;
import static io.akkaetcd.mvcc.StoreFixture.b;
import static io.akkaetcd.mvcc.TxnOps.del;
import static io.akkaetcd.mvcc.TxnOps.get;
import static io.akkaetcd.mvcc.TxnOps.put;
import static io.akkaetcd.mvcc.TxnOps.txn;
import static io.akkaetcd.mvcc.TxnOps.versionIs;

import io.akkaetcd.api.Compare;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RequestOp;
import io.akkaetcd.api.TxnRequest;
import io.akkaetcd.errors.EtcdError;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** etcd's checkTxnRequest and checkIntervals (api/v3rpc/key.go), with --max-txn-ops 128. */
class ValidateTxnTest {
  static final int MAX_TXN_OPS = 128;

  record Case(String name, TxnRequest request, EtcdError error) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<RequestOp> puts(int n) {
    List<RequestOp> ops = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ops.add(put("key" + i, "v"));
    }
    return ops;
  }

  static List<Compare> compares(int n) {
    List<Compare> cs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      cs.add(versionIs("key" + i, 0));
    }
    return cs;
  }

  static TxnRequest ops(RequestOp... success) {
    return txn(List.of(), List.of(success), List.of());
  }

  static TxnRequest branches(List<RequestOp> success, List<RequestOp> failure) {
    return txn(List.of(), success, failure);
  }

  /** A txn with {@code outer} puts and one nested txn holding {@code inner} puts (keys kept apart). */
  static TxnRequest nestedBudget(int outer, int inner) {
    List<RequestOp> innerOps = new ArrayList<>();
    for (int i = 0; i < inner; i++) {
      innerOps.add(put("inner" + i, "v"));
    }
    List<RequestOp> outerOps = new ArrayList<>(puts(outer - 1));
    outerOps.add(TxnOps.txn(branches(innerOps, List.of())));
    return branches(outerOps, List.of());
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("empty txn", TxnRequest.getDefaultInstance(), null),
        new Case("128 puts", branches(puts(128), List.of()), null),
        new Case("129 puts", branches(puts(129), List.of()), EtcdError.TOO_MANY_OPS),
        new Case("129 failure ops", branches(List.of(), puts(129)), EtcdError.TOO_MANY_OPS),
        new Case("129 compares", txn(compares(129), List.of(), List.of()), EtcdError.TOO_MANY_OPS),
        new Case("128 in each list", txn(compares(128), puts(128), puts(128)), null),
        // a nested txn gets what the widest list of its parent leaves: 128 - 100 = 28
        new Case("nested within budget", nestedBudget(100, 28), null),
        new Case("nested over budget", nestedBudget(100, 29), EtcdError.TOO_MANY_OPS),
        new Case("compare without key", txn(List.of(Compare.getDefaultInstance()), List.of(), List.of()),
            EtcdError.EMPTY_KEY),
        new Case("put without key", ops(put(PutRequest.newBuilder().setValue(b("v")))), EtcdError.EMPTY_KEY),
        new Case("range without key", ops(get(RangeRequest.newBuilder())), EtcdError.EMPTY_KEY),
        new Case("delete without key", ops(del("")), EtcdError.EMPTY_KEY),
        new Case("value with ignore_value",
            ops(put(PutRequest.newBuilder().setKey(b("k")).setValue(b("v")).setIgnoreValue(true))),
            EtcdError.VALUE_PROVIDED),
        new Case("lease with ignore_lease",
            ops(put(PutRequest.newBuilder().setKey(b("k")).setLease(1).setIgnoreLease(true))),
            EtcdError.LEASE_PROVIDED),
        new Case("empty op", ops(RequestOp.getDefaultInstance()), EtcdError.KEY_NOT_FOUND),
        new Case("bad op in nested txn", ops(TxnOps.txn(ops(put("", "v")))), EtcdError.EMPTY_KEY),
        new Case("same key put twice", ops(put("a", "1"), put("a", "2")), EtcdError.DUPLICATE_KEY),
        new Case("same key read twice", ops(get("a"), get("a"), put("a", "1")), null),
        new Case("same key in success and failure", branches(List.of(put("a", "1")), List.of(put("a", "2"))), null),
        new Case("put and delete of a key", ops(put("a", "1"), del("a")), EtcdError.DUPLICATE_KEY),
        new Case("delete before put", ops(del("a"), put("a", "1")), EtcdError.DUPLICATE_KEY),
        new Case("put inside a deleted range", ops(del("a", "c"), put("b", "1")), EtcdError.DUPLICATE_KEY),
        new Case("put at the start of a deleted range", ops(del("a", "c"), put("a", "1")), EtcdError.DUPLICATE_KEY),
        new Case("put at the end of a deleted range", ops(del("a", "c"), put("c", "1")), null),
        new Case("overlapping deletes", ops(del("a"), del("a", "c"), del("b", "d")), null),
        // etcd's interval tree takes "\0" literally: a from-key delete overlaps no put
        new Case("put inside a from-key delete", ops(del("a", "\0"), put("b", "1")), null),
        new Case("put and nested put", ops(put("a", "1"), TxnOps.txn(ops(put("a", "2")))), EtcdError.DUPLICATE_KEY),
        new Case("nested then and else put the same key",
            ops(TxnOps.txn(branches(List.of(put("a", "1")), List.of(put("a", "2"))))), null),
        new Case("two nested txns put the same key",
            ops(TxnOps.txn(ops(put("a", "1"))), TxnOps.txn(ops(put("a", "2")))), EtcdError.DUPLICATE_KEY),
        new Case("second nested txn's else puts a key the first put",
            ops(TxnOps.txn(ops(put("a", "1"))), TxnOps.txn(branches(List.of(), List.of(put("a", "2"))))),
            EtcdError.DUPLICATE_KEY),
        new Case("outer delete range, nested put", ops(del("a", "c"), TxnOps.txn(ops(put("b", "1")))),
            EtcdError.DUPLICATE_KEY),
        new Case("nested delete, outer put", ops(TxnOps.txn(ops(del("b"))), put("b", "1")), EtcdError.DUPLICATE_KEY),
        new Case("nested delete, nested put elsewhere", ops(TxnOps.txn(ops(del("b"))), TxnOps.txn(ops(put("c", "1")))),
            null),
        new Case("deeply nested duplicate",
            ops(TxnOps.txn(ops(TxnOps.txn(ops(TxnOps.txn(ops(put("a", "1"))))))), put("a", "2")),
            EtcdError.DUPLICATE_KEY),
        new Case("duplicate in the failure branch",
            branches(List.of(put("a", "1")), List.of(put("b", "1"), put("b", "2"))), EtcdError.DUPLICATE_KEY));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void validateTxn(Case c) {
    if (c.error() == null) {
      MvccStore.validateTxn(c.request(), MAX_TXN_OPS);
    } else {
      assertError(c.error(), () -> MvccStore.validateTxn(c.request(), MAX_TXN_OPS));
    }
  }
}
