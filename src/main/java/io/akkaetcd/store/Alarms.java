package io.akkaetcd.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.akkaetcd.api.AlarmMember;
import io.akkaetcd.api.AlarmRequest;
import io.akkaetcd.api.AlarmResponse;
import io.akkaetcd.api.AlarmType;
import io.akkaetcd.mvcc.Backend;
import io.akkaetcd.mvcc.MvccStore;
import io.akkaetcd.mvcc.Schema;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The cluster's active alarms (etcd's AlarmStore): raised and cleared only by applying an
 * {@link AlarmRequest} from the log, so every member holds the same set. Kept in the backend under
 * the {@link Schema.Bucket#ALARM} bucket (the serialized AlarmMember as key, no value), written in the
 * batch of the entry that raised or cleared them, so a restart and a snapshot carry them. Read from any thread (/health, Status); written by the store actor.
 */
public final class Alarms {
  private static final Comparator<AlarmMember> ORDER =
      Comparator.comparingInt(AlarmMember::getAlarmValue).thenComparing(AlarmMember::getMemberID, Long::compareUnsigned);

  private final ConcurrentSkipListSet<AlarmMember> active = new ConcurrentSkipListSet<>(ORDER);

  /** Every active alarm, by type then member. */
  public List<AlarmMember> list() {
    return List.copyOf(active);
  }

  /** Checked on every write: no stream is built while no alarm is active, the usual case. */
  public boolean isActive(AlarmType type) {
    return !active.isEmpty() && active.stream().anyMatch(a -> a.getAlarm() == type);
  }

  /** How etcd prints an alarm (Status.errors, etcdctl): the compact text of the AlarmMember message. */
  public static String text(AlarmMember alarm) {
    StringBuilder out = new StringBuilder();
    if (alarm.getMemberID() != 0) {
      out.append("memberID:").append(Long.toUnsignedString(alarm.getMemberID())).append(' ');
    }
    if (alarm.getAlarm() != AlarmType.NONE) {
      out.append("alarm:").append(alarm.getAlarm().name()).append(' ');
    }
    return out.toString();
  }

  void load(Backend backend) {
    active.clear();
    backend.scan(Schema.Bucket.ALARM.start(), Schema.Bucket.ALARM.end(), (k, v) -> {
      try {
        active.add(AlarmMember.parseFrom(java.util.Arrays.copyOfRange(k, 1, k.length)));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("corrupt alarm record", e);
      }
    });
  }

  /**
   * As etcd's applier: GET lists the alarms of the type asked (NONE: all); ACTIVATE answers the alarm
   * (also when it was already active); DEACTIVATE answers the alarm it cleared, or nothing.
   */
  AlarmResponse.Builder apply(MvccStore mvcc, AlarmRequest request) {
    AlarmResponse.Builder response = AlarmResponse.newBuilder();
    AlarmMember alarm = AlarmMember.newBuilder().setMemberID(request.getMemberID()).setAlarm(request.getAlarm()).build();
    switch (request.getAction()) {
      case GET -> active.stream()
          .filter(a -> request.getAlarm() == AlarmType.NONE || a.getAlarm() == request.getAlarm())
          .forEach(response::addAlarms);
      case ACTIVATE -> {
        if (active.add(alarm)) {
          mvcc.putInBucket(Schema.Bucket.ALARM, alarm.toByteArray(), new byte[0]);
        }
        response.addAlarms(alarm);
      }
      case DEACTIVATE -> {
        if (active.remove(alarm)) {
          mvcc.deleteInBucket(Schema.Bucket.ALARM, alarm.toByteArray());
          response.addAlarms(alarm);
        }
      }
      default -> { }
    }
    return response;
  }
}
