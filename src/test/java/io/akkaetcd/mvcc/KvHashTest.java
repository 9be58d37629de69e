package io.akkaetcd.mvcc;

import static io.akkaetcd.mvcc.StoreFixture.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.akkaetcd.api.CompactionRequest;
import io.akkaetcd.errors.EtcdError;
import org.junit.jupiter.api.Test;

/**
 * Maintenance.HashKV as etcd's HashByRev. The expected hashes are what real etcd 3.4.23 answered
 * (`etcdctl endpoint hashkv --rev N`) for the same history on a fresh member.
 */
class KvHashTest {

  private static long hash(StoreFixture f, long rev) {
    return Integer.toUnsignedLong(f.store.hashKv(rev).hash());
  }

  @Test
  void freshStoreHashesOnlyTheBucketName() {
    StoreFixture f = new StoreFixture();
    KvHash.Result r = f.store.hashKv(0);
    assertEquals(1084519789L, Integer.toUnsignedLong(r.hash()));
    assertEquals(1, r.currentRevision());
    assertEquals(-1, r.compactRevision(), "etcd reports compact_revision -1 before any compaction");
  }

  @Test
  void hashesTheHistoryUpToTheRevisionAskedFor() {
    StoreFixture f = MvccStoreCompactionTest.history();
    assertEquals(381139512L, hash(f, 0));
    assertEquals(381139512L, hash(f, 8));
    assertEquals(1662700350L, hash(f, 4));
    assertEquals(1084519789L, hash(f, 1));
    assertEquals(8, f.store.hashKv(4).currentRevision());
    assertError(EtcdError.FUTURE_REV, () -> f.store.hashKv(9));
  }

  @Test
  void afterCompactionOnlyKeptRevisionsBelowItCount() {
    StoreFixture f = MvccStoreCompactionTest.history();
    f.store.compact(CompactionRequest.newBuilder().setRevision(5).build());
    assertEquals(731945042L, hash(f, 0));
    assertEquals(2470506820L, hash(f, 6));
    assertEquals(2992678539L, hash(f, 7));
    assertEquals(5, f.store.hashKv(0).compactRevision());
    assertError(EtcdError.COMPACTED, () -> f.store.hashKv(5));
  }
}
