package io.akkaetcd.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.akkaetcd.api.AlarmMember;
import io.akkaetcd.api.AlarmRequest;
import io.akkaetcd.api.AlarmRequest.AlarmAction;
import io.akkaetcd.api.AlarmResponse;
import io.akkaetcd.api.AlarmType;
import io.akkaetcd.api.CompactionRequest;
import io.akkaetcd.api.DeleteRangeRequest;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.RequestOp;
import io.akkaetcd.api.TxnRequest;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.errors.EtcdException;
import io.akkaetcd.mvcc.InMemoryBackend;
import io.akkaetcd.storage.LevelDbBackend;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alarms as etcd's applier keeps them: raised and cleared by replicated requests, persisted with the
 * store, and a NOSPACE alarm capping writes that add data (etcd's applierV3Capped) until disarmed.
 */
class AlarmApplyTest {
  private final InMemoryBackend backend = new InMemoryBackend();
  private StoreState state = new StoreState(backend, null, 7, 9, new MemberDirectory());

  private static ByteString b(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private Object apply(InternalRaftRequest.Builder request) {
    Object r = state.applier().apply(request.build());
    state.applier().mvcc().commit(true);
    return r;
  }

  private AlarmResponse alarm(AlarmAction action, long member, AlarmType type) {
    return (AlarmResponse) apply(InternalRaftRequest.newBuilder()
        .setAlarm(AlarmRequest.newBuilder().setAction(action).setMemberID(member).setAlarm(type)));
  }

  private static InternalRaftRequest.Builder put(String key) {
    return InternalRaftRequest.newBuilder().setPut(PutRequest.newBuilder().setKey(b(key)).setValue(b("v")));
  }

  private static AlarmMember member(long id, AlarmType type) {
    return AlarmMember.newBuilder().setMemberID(id).setAlarm(type).build();
  }

  private void assertNoSpace(InternalRaftRequest.Builder request) {
    EtcdException e = assertThrows(EtcdException.class, () -> apply(request));
    assertEquals(EtcdError.NO_SPACE, e.error());
  }

  @Test
  void activateListDeactivateAsEtcdAnswersThem() {
    assertEquals(List.of(), alarm(AlarmAction.GET, 0, AlarmType.NONE).getAlarmsList());
    assertEquals(List.of(member(9, AlarmType.NOSPACE)), alarm(AlarmAction.ACTIVATE, 9, AlarmType.NOSPACE).getAlarmsList());
    // Raising it again answers the alarm again and changes nothing.
    assertEquals(List.of(member(9, AlarmType.NOSPACE)), alarm(AlarmAction.ACTIVATE, 9, AlarmType.NOSPACE).getAlarmsList());
    alarm(AlarmAction.ACTIVATE, 3, AlarmType.NOSPACE);
    assertEquals(List.of(member(3, AlarmType.NOSPACE), member(9, AlarmType.NOSPACE)),
        alarm(AlarmAction.GET, 0, AlarmType.NONE).getAlarmsList());
    assertEquals(List.of(), alarm(AlarmAction.GET, 0, AlarmType.CORRUPT).getAlarmsList());
    assertEquals(9, alarm(AlarmAction.GET, 0, AlarmType.NONE).getHeader().getMemberId());

    assertEquals(List.of(member(3, AlarmType.NOSPACE)), alarm(AlarmAction.DEACTIVATE, 3, AlarmType.NOSPACE).getAlarmsList());
    assertEquals(List.of(), alarm(AlarmAction.DEACTIVATE, 3, AlarmType.NOSPACE).getAlarmsList(), "nothing to clear");
    assertEquals(List.of(member(9, AlarmType.NOSPACE)), state.alarms().list());
    assertEquals("memberID:9 alarm:NOSPACE ", Alarms.text(state.alarms().list().get(0)));
  }

  @Test
  void noSpaceCapsWritesThatAddDataUntilDisarmed() {
    apply(put("a"));
    alarm(AlarmAction.ACTIVATE, 9, AlarmType.NOSPACE);

    assertNoSpace(put("b"));
    assertNoSpace(InternalRaftRequest.newBuilder().setTxn(TxnRequest.newBuilder()
        .addFailure(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(b("c"))))));
    assertNoSpace(InternalRaftRequest.newBuilder().setLeaseGrant(
        io.akkaetcd.api.LeaseGrantRequest.newBuilder().setID(1).setTTL(10)));
    // What frees space still passes.
    apply(InternalRaftRequest.newBuilder().setDeleteRange(DeleteRangeRequest.newBuilder().setKey(b("a"))));
    apply(InternalRaftRequest.newBuilder().setCompaction(CompactionRequest.newBuilder().setRevision(2)));
    apply(InternalRaftRequest.newBuilder().setTxn(TxnRequest.newBuilder()
        .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(b("x"))))));

    alarm(AlarmAction.DEACTIVATE, 9, AlarmType.NOSPACE);
    apply(put("b"));
  }

  @Test
  void alarmsSurviveAReopenAndTravelWithASnapshot(@TempDir Path dir) {
    alarm(AlarmAction.ACTIVATE, 9, AlarmType.NOSPACE);
    state = new StoreState(backend, null, 7, 9, new MemberDirectory());
    assertTrue(state.alarms().isActive(AlarmType.NOSPACE));
    assertNoSpace(put("b"));

    try (LevelDbBackend followerBackend = LevelDbBackend.open(dir.resolve("kv"))) {
      StoreState follower = new StoreState(followerBackend, null, 7, 10, new MemberDirectory());
      follower.install(StagedCopy.stage(state.openPointInTime(), followerBackend.dir()));
      assertEquals(List.of(member(9, AlarmType.NOSPACE)), follower.alarms().list());
    }
  }
}
