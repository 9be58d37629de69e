package io.akkaetcd.server;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.List;

/**
 * Member and cluster IDs derived as etcd derives them, so they are stable across restarts and equal
 * to what etcd would report for the same flags: a member ID is the first 8 bytes (big-endian) of
 * SHA-1 over its sorted peer URLs followed by the cluster token; a cluster ID is the same over the
 * sorted member IDs as 8-byte big-endian words.
 */
public final class MemberIdentity {
  private MemberIdentity() {}

  public static long memberId(Collection<URI> peerUrls, String clusterToken) {
    StringBuilder b = new StringBuilder();
    peerUrls.stream().map(URI::toString).sorted().forEach(b::append);
    b.append(clusterToken);
    return first8(sha1(b.toString().getBytes(StandardCharsets.UTF_8)));
  }

  public static long clusterId(List<Long> memberIds) {
    ByteBuffer buf = ByteBuffer.allocate(8 * memberIds.size());
    memberIds.stream().sorted(Long::compareUnsigned).forEach(buf::putLong);
    return first8(sha1(buf.array()));
  }

  private static byte[] sha1(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long first8(byte[] hash) {
    return ByteBuffer.wrap(hash, 0, 8).getLong();
  }
}
