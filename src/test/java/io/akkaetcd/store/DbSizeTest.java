package io.akkaetcd.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.akkaetcd.api.CompactionRequest;
import io.akkaetcd.api.DeleteRangeRequest;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.KeyValue;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.mvcc.InMemoryBackend;
import org.junit.jupiter.api.Test;

/**
 * The size Status reports and the quota checks, as etcd's bolt file behaves: it grows with the data,
 * stays at its high-water mark when compaction frees space, and comes down on defragment; counting
 * again from the backend after a reopen gives the same figure as counting write by write.
 */
class DbSizeTest {
  private final InMemoryBackend backend = new InMemoryBackend();
  private StoreState state = new StoreState(backend, null, 7, 9, new MemberDirectory());

  private static ByteString b(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private void apply(InternalRaftRequest.Builder request) {
    state.applier().apply(request.build());
    state.applier().mvcc().commit(true);
    state.refreshSize();
  }

  private void put(String key, String value) {
    apply(InternalRaftRequest.newBuilder().setPut(PutRequest.newBuilder().setKey(b(key)).setValue(b(value))));
  }

  /** A bolt element header, etcd's 17-byte revision key (18 for a tombstone) and the stored KeyValue. */
  private static long entry(boolean tombstone, KeyValue kv) {
    return 16 + (tombstone ? 18 : 17) + kv.getSerializedSize();
  }

  @Test
  void growsWithWritesHoldsItsHighWaterMarkAfterCompactionAndShrinksOnDefragment() {
    assertEquals(StoreState.FIXED_BYTES, state.dbSizeBytes());
    put("a", "1234");
    long first = entry(false, KeyValue.newBuilder().setKey(b("a")).setValue(b("1234"))
        .setCreateRevision(2).setModRevision(2).setVersion(1).build());
    assertEquals(StoreState.FIXED_BYTES + first, state.dbSizeBytes());
    put("a", "5678");
    apply(InternalRaftRequest.newBuilder().setDeleteRange(DeleteRangeRequest.newBuilder().setKey(b("a"))));
    long second = entry(false, KeyValue.newBuilder().setKey(b("a")).setValue(b("5678"))
        .setCreateRevision(2).setModRevision(3).setVersion(2).build());
    long tombstone = entry(true, KeyValue.newBuilder().setKey(b("a")).build());
    long full = StoreState.FIXED_BYTES + first + second + tombstone;
    assertEquals(full, state.dbSizeBytes());
    put("b", "x");
    long b = entry(false, KeyValue.newBuilder().setKey(b("b")).setValue(b("x"))
        .setCreateRevision(5).setModRevision(5).setVersion(1).build());

    // Compacting at 4 drops all of a (its newest revision <= 4 is the tombstone): in use falls, the size stays.
    apply(InternalRaftRequest.newBuilder().setCompaction(CompactionRequest.newBuilder().setRevision(4)));
    assertEquals(StoreState.FIXED_BYTES + b, state.dbSizeInUseBytes());
    assertEquals(full + b, state.dbSizeBytes());

    state.defragment();
    assertEquals(StoreState.FIXED_BYTES + b, state.dbSizeBytes());

    state = new StoreState(backend, null, 7, 9, new MemberDirectory());
    assertEquals(StoreState.FIXED_BYTES + b, state.dbSizeBytes(), "counted again from the backend");
  }
}
