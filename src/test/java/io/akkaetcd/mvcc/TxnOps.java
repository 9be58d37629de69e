package io.akkaetcd.mvcc;

import static io.akkaetcd.mvcc.StoreFixture.b;

import io.akkaetcd.api.Compare;
import io.akkaetcd.api.DeleteRangeRequest;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RequestOp;
import io.akkaetcd.api.TxnRequest;
import java.util.List;

/** Shorthand for txn requests in tests. */
final class TxnOps {
  private TxnOps() {}

  static RequestOp put(String key, String value) {
    return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(b(key)).setValue(b(value))).build();
  }

  static RequestOp put(PutRequest.Builder put) {
    return RequestOp.newBuilder().setRequestPut(put).build();
  }

  static RequestOp get(String key) {
    return RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(b(key))).build();
  }

  static RequestOp get(RangeRequest.Builder range) {
    return RequestOp.newBuilder().setRequestRange(range).build();
  }

  static RequestOp del(String key) {
    return RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(b(key))).build();
  }

  static RequestOp del(String key, String end) {
    return RequestOp.newBuilder()
        .setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(b(key)).setRangeEnd(b(end))).build();
  }

  static RequestOp txn(TxnRequest txn) {
    return RequestOp.newBuilder().setRequestTxn(txn).build();
  }

  static TxnRequest txn(List<Compare> compares, List<RequestOp> success, List<RequestOp> failure) {
    return TxnRequest.newBuilder().addAllCompare(compares).addAllSuccess(success).addAllFailure(failure).build();
  }

  static TxnRequest then(RequestOp... success) {
    return TxnRequest.newBuilder().addAllSuccess(List.of(success)).build();
  }

  static Compare versionIs(String key, long version) {
    return Compare.newBuilder().setKey(b(key)).setTarget(Compare.CompareTarget.VERSION)
        .setResult(Compare.CompareResult.EQUAL).setVersion(version).build();
  }
}
