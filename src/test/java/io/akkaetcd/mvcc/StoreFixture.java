package io.akkaetcd.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.akkaetcd.api.DeleteRangeRequest;
import io.akkaetcd.api.Event;
import io.akkaetcd.api.KeyValue;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.errors.EtcdException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.function.Executable;

/** A store over an in-memory backend, with shorthand for the requests tests make. */
final class StoreFixture {
  final InMemoryBackend backend = new InMemoryBackend();
  final RecordingLeases leases = new RecordingLeases();
  final List<List<Event>> events = new ArrayList<>();
  MvccStore store;

  StoreFixture() {
    reopen();
  }

  void reopen() {
    store = MvccStore.open(backend, leases);
    store.onEvents(events::add);
  }

  static ByteString b(String s) {
    return ByteString.copyFromUtf8(s);
  }

  static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});

  long put(String key, String value) {
    return store.put(PutRequest.newBuilder().setKey(b(key)).setValue(b(value)).build())
        .getHeader().getRevision();
  }

  long put(String key, String value, long lease) {
    return store.put(PutRequest.newBuilder().setKey(b(key)).setValue(b(value)).setLease(lease).build())
        .getHeader().getRevision();
  }

  long delete(String key) {
    return store.deleteRange(DeleteRangeRequest.newBuilder().setKey(b(key)).build()).getDeleted();
  }

  long deleteRange(String key, String end) {
    return store.deleteRange(DeleteRangeRequest.newBuilder().setKey(b(key)).setRangeEnd(b(end)).build())
        .getDeleted();
  }

  /** The key's KeyValue at {@code rev} (0 = current), or null. */
  KeyValue get(String key, long rev) {
    var resp = store.range(RangeRequest.newBuilder().setKey(b(key)).setRevision(rev).build());
    return resp.getKvsCount() == 0 ? null : resp.getKvs(0);
  }

  KeyValue get(String key) {
    return get(key, 0);
  }

  /** Every live key at {@code rev}, as "key=value" strings in key order. */
  List<String> all(long rev) {
    var resp = store.range(RangeRequest.newBuilder().setKey(ZERO).setRangeEnd(ZERO).setRevision(rev).build());
    List<String> out = new ArrayList<>();
    for (KeyValue kv : resp.getKvsList()) {
      out.add(kv.getKey().toStringUtf8() + "=" + kv.getValue().toStringUtf8());
    }
    return out;
  }

  static KeyValue kv(String key, String value, long create, long mod, long version) {
    return KeyValue.newBuilder().setKey(b(key)).setValue(b(value))
        .setCreateRevision(create).setModRevision(mod).setVersion(version).build();
  }

  static void assertError(EtcdError expected, Executable call) {
    EtcdException e = assertThrows(EtcdException.class, call);
    assertEquals(expected, e.error());
  }

  /** A lessor stand-in that knows leases 1..9 and records attach/detach as "attach 5 foo". */
  static final class RecordingLeases implements LeaseHooks {
    final Set<Long> known = new HashSet<>(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L));
    final List<String> calls = new ArrayList<>();

    @Override
    public boolean exists(long leaseId) {
      return leaseId == 0 || known.contains(leaseId);
    }

    @Override
    public void attach(long leaseId, ByteString key) {
      calls.add("attach " + leaseId + " " + key.toStringUtf8());
    }

    @Override
    public void detach(long leaseId, ByteString key) {
      calls.add("detach " + leaseId + " " + key.toStringUtf8());
    }
  }
}
