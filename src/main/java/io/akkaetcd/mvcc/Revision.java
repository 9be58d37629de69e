package io.akkaetcd.mvcc;

/**
 * A point in the store's history, as etcd's {@code revision}: {@code main} is the revision of the
 * write request (one per put, delete or writing txn), {@code sub} numbers the changes inside it
 * (0, 1, 2... for the ops of one txn). Ordered by main, then sub.
 */
public record Revision(long main, long sub) implements Comparable<Revision> {

  @Override
  public int compareTo(Revision other) {
    int byMain = Long.compare(main, other.main);
    return byMain != 0 ? byMain : Long.compare(sub, other.sub);
  }

  @Override
  public String toString() {
    return main + "." + sub;
  }
}
