package io.akkaetcd.mvcc;

import com.google.protobuf.ByteString;
import io.akkaetcd.api.KeyValue;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RangeRequest.SortOrder;
import io.akkaetcd.api.RangeRequest.SortTarget;
import java.util.Comparator;
import java.util.List;

/** What etcd's applierV3backend.Range does to the key-values the store returns: filter, sort, limit. */
final class RangeResults {
  private RangeResults() {}

  /**
   * How many key-values to fetch for {@code r}: etcd fetches everything when it must sort or filter
   * (sort order other than NONE, any min/max revision filter), else one more than the limit to learn
   * {@code more}. 0 means no limit.
   */
  static long fetchLimit(RangeRequest r) {
    if (r.getSortOrder() != SortOrder.NONE || hasFilters(r)) {
      return 0;
    }
    return r.getLimit() > 0 ? r.getLimit() + 1 : 0;
  }

  /** Drops key-values outside the min/max mod and create revision bounds (0 = no bound). */
  static void filter(RangeRequest r, List<KeyValue> kvs) {
    if (r.getMaxModRevision() != 0) {
      kvs.removeIf(kv -> kv.getModRevision() > r.getMaxModRevision());
    }
    if (r.getMinModRevision() != 0) {
      kvs.removeIf(kv -> kv.getModRevision() < r.getMinModRevision());
    }
    if (r.getMaxCreateRevision() != 0) {
      kvs.removeIf(kv -> kv.getCreateRevision() > r.getMaxCreateRevision());
    }
    if (r.getMinCreateRevision() != 0) {
      kvs.removeIf(kv -> kv.getCreateRevision() < r.getMinCreateRevision());
    }
  }

  /**
   * Sorts as etcd does: the store yields keys in ascending order, so NONE with target KEY leaves them;
   * NONE with any other target sorts ASCEND. The sort is stable: ties keep key order.
   */
  static void sort(RangeRequest r, List<KeyValue> kvs) {
    SortOrder order = r.getSortOrder();
    SortTarget target = r.getSortTarget();
    if (order == SortOrder.NONE && target != SortTarget.KEY) {
      order = SortOrder.ASCEND;
    }
    if (order != SortOrder.ASCEND && order != SortOrder.DESCEND) {
      return;
    }
    Comparator<KeyValue> by = comparator(target);
    kvs.sort(order == SortOrder.DESCEND ? by.reversed() : by);
  }

  private static Comparator<KeyValue> comparator(SortTarget target) {
    Comparator<ByteString> bytes = TreeIndex.KEY_ORDER;
    return switch (target) {
      case VERSION -> Comparator.comparingLong(KeyValue::getVersion);
      case CREATE -> Comparator.comparingLong(KeyValue::getCreateRevision);
      case MOD -> Comparator.comparingLong(KeyValue::getModRevision);
      case VALUE -> Comparator.comparing(KeyValue::getValue, bytes);
      default -> Comparator.comparing(KeyValue::getKey, bytes);
    };
  }

  private static boolean hasFilters(RangeRequest r) {
    return r.getMinModRevision() != 0
        || r.getMaxModRevision() != 0
        || r.getMinCreateRevision() != 0
        || r.getMaxCreateRevision() != 0;
  }
}
