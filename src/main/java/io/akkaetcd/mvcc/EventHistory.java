package io.akkaetcd.mvcc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.akkaetcd.api.Event;
import io.akkaetcd.api.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Replays the events of past revisions from the key bucket, as etcd's watchable store does for an
 * unsynced watcher: a put entry becomes a PUT event with its stored KeyValue, a tombstone a DELETE
 * event whose kv holds the key and mod_revision only. prev_kv, when asked for, is the key's value at
 * {@code mod_revision - 1} (etcd's watch server reads it the same way); it is absent for a create and
 * when that revision has been compacted away.
 */
final class EventHistory {
  private EventHistory() {}

  static List<Event> between(PendingWrites pending, TreeIndex index, long fromRev, long toRev,
      Predicate<ByteString> wanted, boolean prevKv) {
    List<Event> out = new ArrayList<>();
    if (fromRev > toRev) {
      return out;
    }
    byte[] from = BackendLayout.revisionKey(Math.max(fromRev, 0), 0, false);
    byte[] to = BackendLayout.revisionKey(toRev + 1, 0, false);
    pending.backend().scan(from, to, (k, v) -> {
      KeyValue kv = parse(k, v);
      if (!wanted.test(kv.getKey())) {
        return;
      }
      Revision rev = BackendLayout.revisionOf(k);
      Event.Builder event = Event.newBuilder();
      if (BackendLayout.isTombstone(k)) {
        event.setType(Event.EventType.DELETE)
            .setKv(KeyValue.newBuilder().setKey(kv.getKey()).setModRevision(rev.main()));
      } else {
        event.setType(Event.EventType.PUT).setKv(kv);
      }
      boolean create = event.getType() == Event.EventType.PUT && kv.getVersion() == 1;
      if (prevKv && !create) {
        KeyValue prev = valueBefore(pending, index, kv.getKey(), rev.main());
        if (prev != null) {
          event.setPrevKv(prev);
        }
      }
      out.add(event.build());
    });
    return out;
  }

  private static KeyValue valueBefore(PendingWrites pending, TreeIndex index, ByteString key, long main) {
    KeyIndex.Found found = index.get(key, main - 1);
    if (found == null) {
      return null;
    }
    byte[] bytes = pending.valueAt(found.main(), found.sub());
    return bytes == null ? null : parse(null, bytes);
  }

  private static KeyValue parse(byte[] key, byte[] value) {
    try {
      return KeyValue.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt key-bucket entry"
          + (key == null ? "" : " " + BackendLayout.revisionOf(key)), e);
    }
  }
}
