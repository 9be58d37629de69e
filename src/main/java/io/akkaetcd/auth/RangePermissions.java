package io.akkaetcd.auth;

import com.google.protobuf.ByteString;
import io.akkaetcd.api.Permission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One user's permissions merged over all its roles, as etcd's range_perm_cache: a set of read
 * intervals and a set of write intervals (READWRITE goes into both). A permission on one key is the
 * interval [key, key+"\0"); a range_end of "\0" means "from key on" (no end). A point request is
 * allowed when some interval holds the key; a range request when the intervals together cover it.
 */
public final class RangePermissions {
  /** [begin, end); {@code end} null: no end. */
  record Interval(byte[] begin, byte[] end) {}

  private static final Comparator<Interval> BY_BEGIN = (a, b) -> Arrays.compareUnsigned(a.begin, b.begin);

  private final List<Interval> read;
  private final List<Interval> write;

  private RangePermissions(List<Interval> read, List<Interval> write) {
    this.read = read;
    this.write = write;
  }

  public static final RangePermissions NONE = new RangePermissions(List.of(), List.of());

  public static RangePermissions merge(Iterable<Permission> permissions) {
    List<Interval> read = new ArrayList<>();
    List<Interval> write = new ArrayList<>();
    for (Permission p : permissions) {
      Interval interval = interval(p.getKey(), p.getRangeEnd());
      switch (p.getPermType()) {
        case READ -> read.add(interval);
        case WRITE -> write.add(interval);
        case READWRITE -> {
          read.add(interval);
          write.add(interval);
        }
        default -> { }
      }
    }
    read.sort(BY_BEGIN);
    write.sort(BY_BEGIN);
    return new RangePermissions(List.copyOf(read), List.copyOf(write));
  }

  /** Whether {@code type} (READ or WRITE) is allowed on the key, or on [key, rangeEnd) when rangeEnd is not empty. */
  public boolean allows(Permission.Type type, ByteString key, ByteString rangeEnd) {
    List<Interval> granted = type == Permission.Type.READ ? read : write;
    byte[] begin = key.toByteArray();
    if (rangeEnd.isEmpty()) {
      for (Interval i : granted) {
        if (Arrays.compareUnsigned(i.begin, begin) <= 0 && (i.end == null || Arrays.compareUnsigned(begin, i.end) < 0)) {
          return true;
        }
      }
      return false;
    }
    byte[] end = isFromKey(rangeEnd) ? null : rangeEnd.toByteArray();
    return covers(granted, begin, end);
  }

  /** Sweeps the intervals by begin, extending what is covered from {@code begin}, until {@code end} is reached. */
  private static boolean covers(List<Interval> granted, byte[] begin, byte[] end) {
    byte[] covered = begin;
    for (Interval i : granted) {
      if (Arrays.compareUnsigned(i.begin, covered) > 0) {
        break;
      }
      if (i.end == null) {
        return true;
      }
      if (Arrays.compareUnsigned(i.end, covered) > 0) {
        covered = i.end;
        if (end != null && Arrays.compareUnsigned(covered, end) >= 0) {
          return true;
        }
      }
    }
    return false;
  }

  private static Interval interval(ByteString key, ByteString rangeEnd) {
    byte[] begin = key.toByteArray();
    if (rangeEnd.isEmpty()) {
      return new Interval(begin, Arrays.copyOf(begin, begin.length + 1));
    }
    return new Interval(begin, isFromKey(rangeEnd) ? null : rangeEnd.toByteArray());
  }

  private static boolean isFromKey(ByteString rangeEnd) {
    return rangeEnd.size() == 1 && rangeEnd.byteAt(0) == 0;
  }
}
