package io.akkaetcd.mvcc;

import io.akkaetcd.api.RequestOp;
import io.akkaetcd.api.TxnRequest;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Walks of a txn request. A path is the depth-first list of compare outcomes, one per txn that runs:
 * the txn itself, then each nested txn of the branch it takes, in op order (etcd's txnPath).
 */
final class TxnPaths {
  private TxnPaths() {}

  /** True if any branch, at any depth, holds a put or a delete (etcd's !isTxnReadonly). */
  static boolean writes(TxnRequest r) {
    return writes(r.getSuccessList()) || writes(r.getFailureList());
  }

  private static boolean writes(List<RequestOp> ops) {
    for (RequestOp op : ops) {
      if (op.hasRequestPut() || op.hasRequestDeleteRange()) {
        return true;
      }
      if (op.hasRequestTxn() && writes(op.getRequestTxn())) {
        return true;
      }
    }
    return false;
  }

  /** Calls {@code check} on every non-txn op that will run along {@code path} (etcd's checkRequests). */
  static void forEachChosenOp(TxnRequest r, List<Boolean> path, Consumer<RequestOp> check) {
    forEachChosenOp(r, path.iterator(), check);
  }

  private static void forEachChosenOp(TxnRequest r, Iterator<Boolean> path, Consumer<RequestOp> check) {
    boolean succeeded = path.next();
    for (RequestOp op : succeeded ? r.getSuccessList() : r.getFailureList()) {
      if (op.hasRequestTxn()) {
        forEachChosenOp(op.getRequestTxn(), path, check);
      } else {
        check.accept(op);
      }
    }
  }
}
