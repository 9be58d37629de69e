package io.akkaetcd.watch;

import com.google.protobuf.ByteString;
import io.akkaetcd.api.Event;
import io.akkaetcd.api.KeyValue;
import java.nio.charset.StandardCharsets;

/** Test helpers: keys written as Latin-1 strings so "\u0080".."\u00ff" are single high bytes. */
final class Keys {
  private Keys() {}

  static ByteString bs(String latin1) {
    return ByteString.copyFrom(latin1, StandardCharsets.ISO_8859_1);
  }

  static Event put(String key, long rev) {
    return Event.newBuilder()
        .setType(Event.EventType.PUT)
        .setKv(KeyValue.newBuilder().setKey(bs(key)).setModRevision(rev).setCreateRevision(rev)
            .setVersion(1).setValue(bs("v" + rev)))
        .build();
  }

  static Event delete(String key, long rev) {
    return Event.newBuilder()
        .setType(Event.EventType.DELETE)
        .setKv(KeyValue.newBuilder().setKey(bs(key)).setModRevision(rev))
        .build();
  }

  static Event withPrev(Event e) {
    return e.toBuilder()
        .setPrevKv(KeyValue.newBuilder().setKey(e.getKv().getKey()).setValue(bs("old"))
            .setModRevision(e.getKv().getModRevision() - 1))
        .build();
  }
}
