package io.akkaetcd.grpcproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.akkaetcd.api.KeyValue;
import io.akkaetcd.api.LeaseTimeToLiveResponse;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RangeResponse;
import io.akkaetcd.errors.EtcdException;
import org.junit.jupiter.api.Test;

/** etcd's clientv3/namespace rules for the proxy's --namespace. */
class NamespaceTest {
  static ByteString b(String s) {
    return ByteString.copyFromUtf8(s);
  }

  static ByteString bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) out[i] = (byte) values[i];
    return ByteString.copyFrom(out);
  }

  @Test
  void intervalsLandUnderThePrefix() {
    Namespace ns = new Namespace("a/");
    ByteString[] single = ns.interval(b("k"), ByteString.EMPTY);
    assertEquals(b("a/k"), single[0]);
    assertEquals(ByteString.EMPTY, single[1], "one key stays one key");
    assertEquals(b("a/z"), ns.interval(b("k"), b("z"))[1]);
    // "\0" (to the end of the keyspace) ends where the prefix's keys end: "a/" + 1 = "a0"
    assertEquals(b("a0"), ns.interval(b("k"), bytes(0))[1]);
  }

  @Test
  void anEmptyPrefixKeepsTheWholeKeyspace() {
    Namespace ns = new Namespace("");
    assertEquals(bytes(0), ns.interval(b("k"), bytes(0))[1], "an empty prefix keeps \\0");
  }

  @Test
  void repliesLoseThePrefixAndEmptyKeysAreRefused() {
    Namespace ns = new Namespace("t/");
    RangeResponse r = RangeResponse.newBuilder().addKvs(KeyValue.newBuilder().setKey(b("t/x"))).build();
    assertEquals(b("x"), ns.out(r).getKvs(0).getKey());
    LeaseTimeToLiveResponse ttl = LeaseTimeToLiveResponse.newBuilder().addKeys(b("t/in")).addKeys(b("other")).build();
    assertEquals(java.util.List.of(b("in")), ns.out(ttl).getKeysList(), "keys outside the namespace are left out");
    assertEquals("etcdserver: key is not provided",
        assertThrows(EtcdException.class, () -> ns.in(RangeRequest.getDefaultInstance())).getMessage());
  }
}
