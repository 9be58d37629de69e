package io.akkaetcd.mvcc;

import java.util.ArrayList;
import java.util.List;

/** Puts and deletes to apply to a {@link Backend} in one atomic write. A null value is a delete. */
public final class WriteBatch {
  public record Op(byte[] key, byte[] value) {}

  private final List<Op> ops = new ArrayList<>();

  public void put(byte[] key, byte[] value) {
    ops.add(new Op(key, value));
  }

  public void delete(byte[] key) {
    ops.add(new Op(key, null));
  }

  public List<Op> ops() {
    return ops;
  }

  public boolean isEmpty() {
    return ops.isEmpty();
  }

  public void clear() {
    ops.clear();
  }
}
