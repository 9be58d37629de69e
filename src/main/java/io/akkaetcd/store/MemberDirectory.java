package io.akkaetcd.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.akkaetcd.api.Member;
import io.akkaetcd.mvcc.Backend;
import io.akkaetcd.mvcc.MvccStore;
import io.akkaetcd.mvcc.Schema;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names and URLs of the cluster's members as they published them through Raft, kept in the backend
 * in the {@link Schema.Bucket#MEMBERS} bucket, in the batch of the entry that published them, so a restart
 * and a snapshot carry them. Read by
 * the Cluster service from any thread; written only by the store actor as entries apply.
 */
public final class MemberDirectory {

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
    backend.scan(Schema.Bucket.MEMBERS.start(), Schema.Bucket.MEMBERS.end(), (k, v) -> {
      try {
        Member m = Member.parseFrom(v);
        members.put(m.getID(), m);
        listener.accept(m);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("corrupt member record", e);
      }
    });
  }

  void put(MvccStore mvcc, Member member) {
    members.put(member.getID(), member);
    listener.accept(member);
    mvcc.putInBucket(Schema.Bucket.MEMBERS, ByteBuffer.allocate(8).putLong(member.getID()).array(),
        member.toByteArray());
  }
}
