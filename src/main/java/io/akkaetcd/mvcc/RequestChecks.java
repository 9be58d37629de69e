package io.akkaetcd.mvcc;

import com.google.protobuf.ByteString;
import io.akkaetcd.api.Compare;
import io.akkaetcd.api.DeleteRangeRequest;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RequestOp;
import io.akkaetcd.api.TxnRequest;
import io.akkaetcd.errors.EtcdError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks etcd's gRPC layer (api/v3rpc/key.go) makes before a request reaches raft: they depend on
 * the request alone, never on the store's state.
 */
final class RequestChecks {
  private RequestChecks() {}

  static void checkRange(RangeRequest r) {
    if (r.getKey().isEmpty()) {
      throw EtcdError.EMPTY_KEY.exception();
    }
  }

  static void checkPut(PutRequest r) {
    if (r.getKey().isEmpty()) {
      throw EtcdError.EMPTY_KEY.exception();
    }
    if (r.getIgnoreValue() && !r.getValue().isEmpty()) {
      throw EtcdError.VALUE_PROVIDED.exception();
    }
    if (r.getIgnoreLease() && r.getLease() != 0) {
      throw EtcdError.LEASE_PROVIDED.exception();
    }
  }

  static void checkDeleteRange(DeleteRangeRequest r) {
    if (r.getKey().isEmpty()) {
      throw EtcdError.EMPTY_KEY.exception();
    }
  }

  /** etcd's checkTxnRequest, then checkIntervals on each branch. */
  static void checkTxn(TxnRequest r, int maxTxnOps) {
    checkTxnOps(r, maxTxnOps);
    checkIntervals(r.getSuccessList());
    checkIntervals(r.getFailureList());
  }

  /**
   * No branch (compares, success, failure) may hold more than {@code maxTxnOps} entries; a nested txn
   * gets what its parent's widest branch leaves of the budget.
   */
  private static void checkTxnOps(TxnRequest r, int maxTxnOps) {
    int widest = Math.max(r.getCompareCount(), Math.max(r.getSuccessCount(), r.getFailureCount()));
    if (widest > maxTxnOps) {
      throw EtcdError.TOO_MANY_OPS.exception();
    }
    for (Compare c : r.getCompareList()) {
      if (c.getKey().isEmpty()) {
        throw EtcdError.EMPTY_KEY.exception();
      }
    }
    for (RequestOp op : r.getSuccessList()) {
      checkOp(op, maxTxnOps - widest);
    }
    for (RequestOp op : r.getFailureList()) {
      checkOp(op, maxTxnOps - widest);
    }
  }

  private static void checkOp(RequestOp op, int maxTxnOps) {
    switch (op.getRequestCase()) {
      case REQUEST_RANGE -> checkRange(op.getRequestRange());
      case REQUEST_PUT -> checkPut(op.getRequestPut());
      case REQUEST_DELETE_RANGE -> checkDeleteRange(op.getRequestDeleteRange());
      case REQUEST_TXN -> checkTxnOps(op.getRequestTxn(), maxTxnOps);
      default -> throw EtcdError.KEY_NOT_FOUND.exception(); // an empty op, as etcd answers it
    }
  }

  /** A deleted span: a point when {@code end} is null, else [begin, end) taken literally. */
  private record Span(ByteString begin, ByteString end) {
    boolean contains(ByteString key) {
      if (end == null) {
        return begin.equals(key);
      }
      // Literal bounds, as etcd's interval tree: a from-key delete (end "\0") contains no key, so
      // etcd does not see it overlap a put either.
      return TreeIndex.KEY_ORDER.compare(begin, key) <= 0 && TreeIndex.KEY_ORDER.compare(key, end) < 0;
    }
  }

  private record Writes(Set<ByteString> puts, List<Span> deletes) {
    boolean deletes(ByteString key) {
      for (Span s : deletes) {
        if (s.contains(key)) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * etcd's checkIntervals: within one list of ops (with the nested txns under it), no key may be put
   * twice, and no key may be both put and deleted. Deletes may overlap each other; a nested txn's
   * success and failure branches may put the same key, since only one of them runs.
   */
  private static Writes checkIntervals(List<RequestOp> ops) {
    Writes level = new Writes(new HashSet<>(), new ArrayList<>());
    for (RequestOp op : ops) {
      if (op.hasRequestDeleteRange()) {
        DeleteRangeRequest d = op.getRequestDeleteRange();
        level.deletes.add(new Span(d.getKey(), d.getRangeEnd().isEmpty() ? null : d.getRangeEnd()));
      }
    }
    for (RequestOp op : ops) {
      if (!op.hasRequestTxn()) {
        continue;
      }
      Writes then = checkIntervals(op.getRequestTxn().getSuccessList());
      Writes otherwise = checkIntervals(op.getRequestTxn().getFailureList());
      for (ByteString k : then.puts) {
        if (level.puts.contains(k) || level.deletes(k)) {
          throw EtcdError.DUPLICATE_KEY.exception();
        }
        level.puts.add(k);
      }
      for (ByteString k : otherwise.puts) {
        if ((level.puts.contains(k) && !then.puts.contains(k)) || level.deletes(k)) {
          throw EtcdError.DUPLICATE_KEY.exception();
        }
        level.puts.add(k);
      }
      level.deletes.addAll(then.deletes);
      level.deletes.addAll(otherwise.deletes);
    }
    for (RequestOp op : ops) {
      if (!op.hasRequestPut()) {
        continue;
      }
      ByteString k = op.getRequestPut().getKey();
      if (level.puts.contains(k) || level.deletes(k)) {
        throw EtcdError.DUPLICATE_KEY.exception();
      }
      level.puts.add(k);
    }
    return level;
  }
}
