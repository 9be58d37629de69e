package io.akkaetcd.lease;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * etcd's {@code LeaseExpiredNotifier}: a priority queue of lease ids ordered by the time each is next
 * due (its expiry, or a retry time once reported), with O(log n) register-or-update and removal by
 * id. Ties break by id so that the order is deterministic.
 */
final class LeaseQueue {
  record Item(long dueMillis, long leaseId) implements Comparable<Item> {
    @Override
    public int compareTo(Item o) {
      int c = Long.compare(dueMillis, o.dueMillis);
      return c != 0 ? c : Long.compare(leaseId, o.leaseId);
    }
  }

  private final TreeSet<Item> queue = new TreeSet<>();
  private final Map<Long, Item> byId = new HashMap<>();

  void registerOrUpdate(long leaseId, long dueMillis) {
    Item old = byId.put(leaseId, new Item(dueMillis, leaseId));
    if (old != null) {
      queue.remove(old);
    }
    queue.add(byId.get(leaseId));
  }

  void remove(long leaseId) {
    Item old = byId.remove(leaseId);
    if (old != null) {
      queue.remove(old);
    }
  }

  /** The earliest item, or null when empty. */
  Item peek() {
    return queue.isEmpty() ? null : queue.first();
  }

  int size() {
    return queue.size();
  }

  void clear() {
    queue.clear();
    byId.clear();
  }
}
