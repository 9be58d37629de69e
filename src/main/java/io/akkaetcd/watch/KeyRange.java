package io.akkaetcd.watch;

import com.google.protobuf.ByteString;
import com.google.protobuf.TextFormat;
import java.util.Comparator;
import java.util.Objects;

/**
 * A key range as etcd's requests spell it, a {@code (key, range_end)} pair:
 *
 * <ul>
 *   <li>{@code range_end} empty: the single key {@code key};
 *   <li>{@code range_end} = {@code "\0"}: every key {@code >= key} ("from key"); with {@code key} also
 *       {@code "\0"} (or empty) that is every key, since {@code "\0"} is the smallest non-empty key;
 *   <li>otherwise the half-open interval {@code [key, range_end)}, empty when {@code key >= range_end}.
 * </ul>
 *
 * Keys compare as unsigned bytes, as Go's {@code bytes.Compare} does.
 */
public record KeyRange(ByteString key, ByteString rangeEnd) {
  /** The one-byte key {@code "\0"}: as a range end it means "no upper bound". */
  public static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});

  public static final Comparator<ByteString> KEY_ORDER = ByteString.unsignedLexicographicalComparator();

  public KeyRange {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(rangeEnd, "rangeEnd");
  }

  public static KeyRange single(ByteString key) {
    return new KeyRange(key, ByteString.EMPTY);
  }

  public static KeyRange fromKey(ByteString key) {
    return new KeyRange(key, ZERO);
  }

  public static KeyRange all() {
    return new KeyRange(ZERO, ZERO);
  }

  /**
   * Every key starting with {@code prefix}, as clientv3's {@code GetPrefixRangeEnd}: the end is the
   * prefix with its last byte below 0xff incremented and what follows dropped; a prefix of only 0xff
   * bytes (or an empty one) has no upper bound.
   */
  public static KeyRange prefix(ByteString prefix) {
    byte[] end = prefix.toByteArray();
    for (int i = end.length - 1; i >= 0; i--) {
      if ((end[i] & 0xff) < 0xff) {
        end[i]++;
        return new KeyRange(prefix, ByteString.copyFrom(end, 0, i + 1));
      }
    }
    return new KeyRange(prefix, ZERO);
  }

  /**
   * The range a watch create request names, normalised as etcd's watch server does: an empty key
   * becomes {@code "\0"}, the smallest key.
   */
  public static KeyRange ofWatch(ByteString key, ByteString rangeEnd) {
    return new KeyRange(key.isEmpty() ? ZERO : key, rangeEnd);
  }

  public boolean isSingleKey() {
    return rangeEnd.isEmpty();
  }

  /** No upper bound: {@code range_end} is {@code "\0"}. */
  public boolean isFromKey() {
    return rangeEnd.equals(ZERO);
  }

  /** An interval with {@code key >= range_end}; etcd rejects such a watch ("watcher range is empty"). */
  public boolean isEmpty() {
    return !isSingleKey() && !isFromKey() && KEY_ORDER.compare(key, rangeEnd) >= 0;
  }

  public boolean contains(ByteString k) {
    if (isSingleKey()) {
      return key.equals(k);
    }
    if (KEY_ORDER.compare(k, key) < 0) {
      return false;
    }
    return isFromKey() || KEY_ORDER.compare(k, rangeEnd) < 0;
  }

  @Override
  public String toString() {
    return "KeyRange[\"" + TextFormat.escapeBytes(key) + "\", \"" + TextFormat.escapeBytes(rangeEnd) + "\")";
  }
}
