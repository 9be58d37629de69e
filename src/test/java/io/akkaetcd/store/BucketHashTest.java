package io.akkaetcd.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.google.protobuf.ByteString;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.mvcc.InMemoryBackend;
import org.junit.jupiter.api.Test;

/** Maintenance.Hash over etcd's buckets: equal for equal data whatever the consistent index, else different. */
class BucketHashTest {
  private static StoreState storeWith(String value, long consistentIndex) {
    StoreState s = new StoreState(new InMemoryBackend(), null, 7, 9, new MemberDirectory());
    s.applier().mvcc().put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k"))
        .setValue(ByteString.copyFromUtf8(value)).build());
    s.applier().mvcc().setConsistentIndex(consistentIndex);
    return s;
  }

  @Test
  void sameDataHashesTheSameAndOneChangedByteDoesNot() {
    int a = storeWith("value", 5).hashBuckets();
    assertEquals(a, storeWith("value", 6).hashBuckets(), "the consistent index is not hashed, as in etcd");
    assertNotEquals(a, storeWith("valuf", 5).hashBuckets());
  }
}
