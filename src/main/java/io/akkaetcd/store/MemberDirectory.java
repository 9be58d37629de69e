package io.akkaetcd.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.akkaetcd.api.Member;
import io.akkaetcd.mvcc.Backend;
import io.akkaetcd.mvcc.WriteBatch;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names and URLs of the cluster's members as they published them through Raft, kept in the backend
 * under their own prefix ('c', etcd's "members" bucket) so a restart and a snapshot carry them. Read by
 * the Cluster service from any thread; written only by the store actor as entries apply.
 */
public final class MemberDirectory {
  private static final byte PREFIX = 'c';

  private final Map<Long, Member> members = new ConcurrentHashMap<>();
  private volatile java.util.function.Consumer<Member> listener = m -> {};

  /** Told of every member record as it is loaded or applied (the peer transport learns addresses so). */
  public void onMember(java.util.function.Consumer<Member> listener) {
    this.listener = listener;
    members.values().forEach(listener);
  }

  public Member get(long id) {
    return members.get(id);
  }

  void load(Backend backend) {
    members.clear();
    backend.scan(new byte[] {PREFIX}, new byte[] {PREFIX + 1}, (k, v) -> {
      try {
        Member m = Member.parseFrom(v);
        members.put(m.getID(), m);
        listener.accept(m);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("corrupt member record", e);
      }
    });
  }

  /** The member records a backend holds, by ID. */
  public static Map<Long, Member> readAll(Backend backend) {
    MemberDirectory d = new MemberDirectory();
    d.load(backend);
    return new java.util.TreeMap<>(d.members);
  }

  /** Adds a member record to {@code batch} (an import lays the cluster's members in this way). */
  public static void write(WriteBatch batch, Member member) {
    batch.put(ByteBuffer.allocate(9).put(PREFIX).putLong(member.getID()).array(), member.toByteArray());
  }

  void put(Backend backend, Member member) {
    members.put(member.getID(), member);
    listener.accept(member);
    WriteBatch batch = new WriteBatch();
    write(batch, member);
    backend.write(batch, false);
  }
}
