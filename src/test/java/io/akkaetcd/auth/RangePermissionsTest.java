package io.akkaetcd.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.akkaetcd.api.Permission;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Merged permissions as etcd's range_perm_cache_test: points, ranges, from-key, unions. */
class RangePermissionsTest {
  record Case(String name, List<Permission> granted, Permission.Type type, String key, String rangeEnd, boolean allowed) {}

  private static Permission perm(Permission.Type type, String key, String rangeEnd) {
    return Permission.newBuilder().setPermType(type).setKey(ByteString.copyFromUtf8(key))
        .setRangeEnd(ByteString.copyFromUtf8(rangeEnd)).build();
  }

  static Stream<Case> cases() {
    Permission.Type r = Permission.Type.READ;
    Permission.Type w = Permission.Type.WRITE;
    Permission.Type rw = Permission.Type.READWRITE;
    return Stream.of(
        new Case("one key: that key", List.of(perm(r, "foo", "")), r, "foo", "", true),
        new Case("one key: not another", List.of(perm(r, "foo", "")), r, "fooa", "", false),
        new Case("one key: read is not write", List.of(perm(r, "foo", "")), w, "foo", "", false),
        new Case("readwrite gives write", List.of(perm(rw, "foo", "")), w, "foo", "", true),
        new Case("prefix: a key inside", List.of(perm(r, "/app/", "/app0")), r, "/app/x", "", true),
        new Case("prefix: the whole prefix", List.of(perm(r, "/app/", "/app0")), r, "/app/", "/app0", true),
        new Case("prefix: more than it", List.of(perm(r, "/app/", "/app0")), r, "/app/", "/b", false),
        new Case("prefix: a key outside", List.of(perm(r, "/app/", "/app0")), r, "/other", "", false),
        new Case("from-key: far keys", List.of(perm(r, "b", "\0")), r, "zzz", "", true),
        new Case("from-key: from-key request", List.of(perm(r, "b", "\0")), r, "c", "\0", true),
        new Case("from-key request beyond a range", List.of(perm(r, "a", "z")), r, "b", "\0", false),
        new Case("two adjacent ranges cover their union", List.of(perm(r, "a", "c"), perm(r, "c", "e")), r, "b", "d", true),
        new Case("a gap is not covered", List.of(perm(r, "a", "c"), perm(r, "d", "e")), r, "b", "d", false),
        new Case("write on a range, read asked", List.of(perm(w, "a", "z")), r, "b", "", false),
        new Case("no permissions", List.of(), r, "a", "", false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void allows(Case c) {
    assertEquals(c.allowed(), RangePermissions.merge(c.granted())
        .allows(c.type(), ByteString.copyFromUtf8(c.key()), ByteString.copyFromUtf8(c.rangeEnd())), c.name());
  }
}
