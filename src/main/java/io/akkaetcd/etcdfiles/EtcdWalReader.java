package io.akkaetcd.etcdfiles;

import com.google.protobuf.InvalidProtocolBufferException;
import io.akkaetcd.etcdfiles.proto.RaftEntry;
import io.akkaetcd.etcdfiles.proto.RaftHardState;
import io.akkaetcd.etcdfiles.proto.WalMetadata;
import io.akkaetcd.etcdfiles.proto.WalRecord;
import io.akkaetcd.etcdfiles.proto.WalSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads etcd's write-ahead log ({@code member/wal/<seq>-<index>.wal}, etcd 3.4/3.5), as etcd's wal
 * decoder does. Each file is a sequence of frames:
 *
 * <pre>
 *   length   int64, little-endian: the record's size in the low 56 bits; if the top bit is set, the low
 *            3 bits of the top byte are padding bytes after the record (frames are 8-byte aligned)
 *   record   walpb.Record{type, crc, data}; crc is CRC-32C over this record's data continuing from the
 *            previous record's (across files); a crc record (type 4) restarts it from the value it holds
 *   types    1 metadata (etcdserverpb.Metadata: node and cluster ID), 2 entry (raftpb.Entry), 3 state
 *            (raftpb.HardState), 4 crc, 5 snapshot (walpb.Snapshot: index, term)
 * </pre>
 *
 * A zero length ends a file (the rest is preallocated). A bad checksum, a frame running past the end,
 * an undecodable record or a record type this reader does not know is an {@link EtcdFileException}.
 */
public final class EtcdWalReader {
  static final int METADATA = 1;
  static final int ENTRY = 2;
  static final int STATE = 3;
  static final int CRC = 4;
  static final int SNAPSHOT = 5;
  private static final Pattern NAME = Pattern.compile("([0-9a-f]{16})-([0-9a-f]{16})\\.wal");

  /**
   * Everything the WAL holds: entries in index order, a later entry replacing a conflicting tail (after a
   * snapshot from the leader the indexes jump: the importer takes only those after its start point).
   */
  public record Contents(long nodeId, long clusterId, RaftHardState hardState, List<RaftEntry> entries,
      List<WalSnapshot> snapshots) {}

  private Path file;
  private long offset;
  private int crc;
  private byte[] metadata;
  private RaftHardState hardState = RaftHardState.getDefaultInstance();
  private final List<RaftEntry> entries = new ArrayList<>();
  private final List<WalSnapshot> snapshots = new ArrayList<>();

  private EtcdWalReader() {}

  /** The .wal files of {@code dir} in sequence order. */
  public static List<Path> walFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".wal")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  public static Contents read(Path dir) {
    List<Path> files = walFiles(dir);
    if (files.isEmpty()) {
      throw new EtcdFileException(dir, 0, "no .wal files");
    }
    EtcdWalReader reader = new EtcdWalReader();
    long expectedSeq = -1;
    for (Path f : files) {
      Matcher m = NAME.matcher(f.getFileName().toString());
      if (!m.matches()) {
        throw new EtcdFileException(f, 0, "not an etcd WAL file name (<seq>-<index>.wal, 16 hex digits each)");
      }
      long seq = Long.parseUnsignedLong(m.group(1), 16);
      if (expectedSeq >= 0 && seq != expectedSeq) {
        throw new EtcdFileException(f, 0, "WAL sequence broken: expected file number " + expectedSeq);
      }
      expectedSeq = seq + 1;
      reader.readFile(f);
    }
    if (reader.metadata == null) {
      throw new EtcdFileException(files.get(0), 0, "no metadata record");
    }
    WalMetadata md;
    try {
      md = WalMetadata.parseFrom(reader.metadata);
    } catch (InvalidProtocolBufferException e) {
      throw new EtcdFileException(files.get(0), 0, "undecodable metadata record", e);
    }
    return new Contents(md.getNodeId(), md.getClusterId(), reader.hardState, List.copyOf(reader.entries),
        List.copyOf(reader.snapshots));
  }

  private void readFile(Path f) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(f);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f, e);
    }
    file = f;
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    offset = 0;
    while (offset + 8 <= bytes.length) {
      long lenField = buf.getLong((int) offset);
      if (lenField == 0) {
        return;
      }
      long recBytes = lenField & 0x00FFFFFFFFFFFFFFL;
      long padBytes = lenField < 0 ? (lenField >>> 56) & 0x7 : 0;
      if (offset + 8 + recBytes + padBytes > bytes.length) {
        throw error("a record of " + recBytes + " bytes runs past the end of the file (" + bytes.length + " bytes)");
      }
      WalRecord record;
      try {
        record = WalRecord.parseFrom(ByteBuffer.wrap(bytes, (int) offset + 8, (int) recBytes));
      } catch (InvalidProtocolBufferException e) {
        throw error("undecodable WAL record: " + e.getMessage());
      }
      apply(record);
      offset += 8 + recBytes + padBytes;
    }
    if (offset != bytes.length && !allZero(bytes, (int) offset)) {
      throw error("trailing bytes that are not a record");
    }
  }

  private void apply(WalRecord record) {
    int type = (int) record.getType();
    byte[] data = record.getData().toByteArray();
    if (type != CRC) {
      crc = Crc32c.update(crc, data);
      if (record.getCrc() != crc) {
        throw error("CRC mismatch: the record says 0x" + Integer.toHexString(record.getCrc()) + ", its data gives 0x"
            + Integer.toHexString(crc));
      }
    }
    try {
      switch (type) {
        case METADATA -> {
          if (metadata != null && !Arrays.equals(metadata, data)) {
            throw error("metadata conflicts with an earlier metadata record");
          }
          metadata = data;
        }
        case ENTRY -> {
          RaftEntry e = RaftEntry.parseFrom(data);
          while (!entries.isEmpty() && entries.get(entries.size() - 1).getIndex() >= e.getIndex()) {
            entries.remove(entries.size() - 1);
          }
          entries.add(e);
        }
        case STATE -> hardState = RaftHardState.parseFrom(data);
        case CRC -> {
          if (crc != 0 && record.getCrc() != crc) {
            throw error("CRC mismatch: the crc record says 0x" + Integer.toHexString(record.getCrc())
                + ", the records before it give 0x" + Integer.toHexString(crc));
          }
          crc = record.getCrc();
        }
        case SNAPSHOT -> snapshots.add(WalSnapshot.parseFrom(data));
        default -> throw error("unknown WAL record type " + type + " (written by a newer etcd?)");
      }
    } catch (InvalidProtocolBufferException e) {
      throw error("undecodable record of type " + type + ": " + e.getMessage());
    }
  }

  private static boolean allZero(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private EtcdFileException error(String problem) {
    return new EtcdFileException(file, offset, problem);
  }
}
