package io.akkaetcd.wal;

import akka.serialization.SerializerWithStringManifest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.akkaetcd.raftlog.RaftLogCodec;
import io.akkaetcd.raft.LogEntry;
import io.akkaetcd.wal.proto.EntriesAppendedProto;
import io.akkaetcd.wal.proto.HardStateSavedProto;
import io.akkaetcd.wal.proto.SnapshotInstalledProto;
import io.akkaetcd.wal.proto.SnapshotTakenProto;
import java.io.NotSerializableException;
import java.util.ArrayList;
import java.util.List;

/** Protobuf for {@link WalEvent}s (wal.proto), bound in application.conf; the manifest names the event. */
public final class WalEventSerializer extends SerializerWithStringManifest {
  /** Akka reserves 0-40; any other fixed number that no other serializer in the system uses. */
  public static final int ID = 7_301;

  private static final String ENTRIES = "E";
  private static final String HARD_STATE = "H";
  private static final String INSTALLED = "I";
  private static final String TAKEN = "T";

  @Override
  public int identifier() {
    return ID;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof WalEvent.EntriesAppended) return ENTRIES;
    if (o instanceof WalEvent.HardStateSaved) return HARD_STATE;
    if (o instanceof WalEvent.SnapshotInstalled) return INSTALLED;
    if (o instanceof WalEvent.SnapshotTaken) return TAKEN;
    throw new IllegalArgumentException("not a WAL event: " + o.getClass());
  }

  @Override
  public byte[] toBinary(Object o) {
    if (o instanceof WalEvent.EntriesAppended e) {
      EntriesAppendedProto.Builder b = EntriesAppendedProto.newBuilder();
      for (LogEntry entry : e.entries()) b.addEntries(RaftLogCodec.encode(entry));
      return b.build().toByteArray();
    }
    if (o instanceof WalEvent.HardStateSaved h) {
      return HardStateSavedProto.newBuilder()
          .setHardState(RaftLogCodec.encode(h.hardState())).setSynced(h.synced()).build().toByteArray();
    }
    if (o instanceof WalEvent.SnapshotInstalled s) {
      return SnapshotInstalledProto.newBuilder().setSnapshot(RaftLogCodec.encode(s.snapshot())).build().toByteArray();
    }
    if (o instanceof WalEvent.SnapshotTaken s) {
      return SnapshotTakenProto.newBuilder().setSnapshot(RaftLogCodec.encode(s.snapshot()))
          .setHardState(RaftLogCodec.encode(s.hardState())).build().toByteArray();
    }
    throw new IllegalArgumentException("not a WAL event: " + o.getClass());
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    try {
      return switch (manifest) {
        case ENTRIES -> {
          EntriesAppendedProto p = EntriesAppendedProto.parseFrom(bytes);
          List<LogEntry> entries = new ArrayList<>(p.getEntriesCount());
          p.getEntriesList().forEach(e -> entries.add(RaftLogCodec.decode(e)));
          yield new WalEvent.EntriesAppended(entries);
        }
        case HARD_STATE -> {
          HardStateSavedProto p = HardStateSavedProto.parseFrom(bytes);
          yield new WalEvent.HardStateSaved(RaftLogCodec.decode(p.getHardState()), p.getSynced());
        }
        case INSTALLED -> new WalEvent.SnapshotInstalled(
            RaftLogCodec.decode(SnapshotInstalledProto.parseFrom(bytes).getSnapshot()));
        case TAKEN -> {
          SnapshotTakenProto p = SnapshotTakenProto.parseFrom(bytes);
          yield new WalEvent.SnapshotTaken(RaftLogCodec.decode(p.getSnapshot()), RaftLogCodec.decode(p.getHardState()));
        }
        default -> throw new NotSerializableException("unknown WAL event manifest " + manifest);
      };
    } catch (InvalidProtocolBufferException e) {
      NotSerializableException n = new NotSerializableException("undecodable WAL event " + manifest);
      n.initCause(e);
      throw n;
    }
  }
}
