package io.akkaetcd.e2e;

import java.util.Map;

/** Real etcd 3.4 and one member, started together for a parity test and stopped together. */
record SideBySide(RealEtcd etcd, TestMember ours) implements AutoCloseable {

  static SideBySide start(Map<String, Object> ourSettings, String... etcdFlags) throws Exception {
    RealEtcd etcd = RealEtcd.start(etcdFlags);
    try {
      return new SideBySide(etcd, TestMember.start(ourSettings));
    } catch (RuntimeException e) {
      etcd.close();
      throw e;
    }
  }

  @Override
  public void close() throws Exception {
    try {
      ours.close();
    } finally {
      etcd.close();
    }
  }
}
