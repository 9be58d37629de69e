package io.akkaetcd.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.akkaetcd.api.AlarmMember;
import io.akkaetcd.api.AlarmRequest;
import io.akkaetcd.api.AlarmResponse;
import io.akkaetcd.api.AlarmType;
import io.akkaetcd.mvcc.Backend;
import io.akkaetcd.mvcc.WriteBatch;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The cluster's active alarms (etcd's AlarmStore): raised and cleared only by applying an
 * {@link AlarmRequest} from the log, so every member holds the same set. Kept in the backend under
 * their own prefix ('a', etcd's "alarm" bucket: the serialized AlarmMember as key, no value) so a
 * restart and a snapshot carry them. Read from any thread (/health, Status); written by the store actor.
 */
public final class Alarms {
  static final byte PREFIX = 'a';
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
    backend.scan(new byte[] {PREFIX}, new byte[] {PREFIX + 1}, (k, v) -> {
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
  AlarmResponse.Builder apply(Backend backend, AlarmRequest request) {
    AlarmResponse.Builder response = AlarmResponse.newBuilder();
    AlarmMember alarm = AlarmMember.newBuilder().setMemberID(request.getMemberID()).setAlarm(request.getAlarm()).build();
    switch (request.getAction()) {
      case GET -> active.stream()
          .filter(a -> request.getAlarm() == AlarmType.NONE || a.getAlarm() == request.getAlarm())
          .forEach(response::addAlarms);
      case ACTIVATE -> {
        if (active.add(alarm)) {
          write(backend, alarm, true);
        }
        response.addAlarms(alarm);
      }
      case DEACTIVATE -> {
        if (active.remove(alarm)) {
          write(backend, alarm, false);
          response.addAlarms(alarm);
        }
      }
      default -> { }
    }
    return response;
  }

  /** Adds an alarm record (a serialized AlarmMember, etcd's alarm bucket key) to {@code batch}. */
  public static void write(WriteBatch batch, byte[] alarmMember) {
    byte[] key = new byte[1 + alarmMember.length];
    key[0] = PREFIX;
    System.arraycopy(alarmMember, 0, key, 1, alarmMember.length);
    batch.put(key, new byte[0]);
  }

  private static void write(Backend backend, AlarmMember alarm, boolean put) {
    byte[] body = alarm.toByteArray();
    byte[] key = new byte[1 + body.length];
    key[0] = PREFIX;
    System.arraycopy(body, 0, key, 1, body.length);
    WriteBatch batch = new WriteBatch();
    if (put) {
      batch.put(key, new byte[0]);
    } else {
      batch.delete(key);
    }
    backend.write(batch, false);
  }
}
