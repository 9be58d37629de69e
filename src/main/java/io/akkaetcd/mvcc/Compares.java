package io.akkaetcd.mvcc;

import io.akkaetcd.api.Compare;
import io.akkaetcd.api.KeyValue;
import java.util.List;

/** etcd's applyCompare / compareKV: how a txn's guards judge the key-values they range over. */
final class Compares {
  private Compares() {}

  /**
   * True if every key-value satisfies {@code c}. With no key in the range, VALUE fails (a missing
   * value cannot be told from an empty one) and the other targets compare a zero KeyValue: version,
   * create, mod and lease all 0.
   */
  static boolean holds(Compare c, List<KeyValue> kvs) {
    if (kvs.isEmpty()) {
      return c.getTarget() != Compare.CompareTarget.VALUE && holds(c, KeyValue.getDefaultInstance());
    }
    for (KeyValue kv : kvs) {
      if (!holds(c, kv)) {
        return false;
      }
    }
    return true;
  }

  /** A target the union does not carry compares against 0 (or the empty value), as in etcd. */
  static boolean holds(Compare c, KeyValue kv) {
    int result =
        switch (c.getTarget()) {
          case VALUE -> TreeIndex.KEY_ORDER.compare(kv.getValue(), c.getValue());
          case CREATE -> Long.compare(kv.getCreateRevision(), c.getCreateRevision());
          case MOD -> Long.compare(kv.getModRevision(), c.getModRevision());
          case VERSION -> Long.compare(kv.getVersion(), c.getVersion());
          case LEASE -> Long.compare(kv.getLease(), c.getLease());
          default -> 0;
        };
    return switch (c.getResult()) {
      case EQUAL -> result == 0;
      case NOT_EQUAL -> result != 0;
      case GREATER -> result > 0;
      case LESS -> result < 0;
      default -> true;
    };
  }
}
