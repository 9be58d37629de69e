package io.akkaetcd.etcdfiles;

import com.google.protobuf.InvalidProtocolBufferException;
import io.akkaetcd.etcdfiles.proto.RaftSnapshot;
import io.akkaetcd.etcdfiles.proto.SnapFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * etcd's Raft snapshot files, {@code member/snap/<term>-<index>.snap} (16 hex digits each): a
 * snappb.Snapshot{crc, data} where data is a raftpb.Snapshot (its metadata: index, term and the
 * ConfState; its data: the v2 store, not needed here since the v3 backend and the WAL hold the rest) and
 * crc the CRC-32C of data. Only the newest is read; if it is unreadable that is an error (etcd would
 * fall back to an older one and rename the broken one; an import changes nothing in the source dir).
 */
public final class EtcdSnapFiles {
  private EtcdSnapFiles() {}

  public static List<Path> snapFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".snap")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** The newest .snap file's snapshot, without its data; empty if there is none. */
  public static Optional<RaftSnapshot> latest(Path dir) {
    List<Path> files = snapFiles(dir);
    if (files.isEmpty()) {
      return Optional.empty();
    }
    Path newest = files.get(files.size() - 1);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(newest);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + newest, e);
    }
    if (bytes.length == 0) {
      throw new EtcdFileException(newest, 0, "empty snapshot file");
    }
    SnapFile snap;
    try {
      snap = SnapFile.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new EtcdFileException(newest, 0, "undecodable snapshot file: " + e.getMessage());
    }
    byte[] data = snap.getData().toByteArray();
    int crc = Crc32c.update(0, data);
    if (crc != snap.getCrc()) {
      throw new EtcdFileException(newest, 0, "CRC mismatch: the file says 0x" + Integer.toHexString(snap.getCrc())
          + ", its data gives 0x" + Integer.toHexString(crc));
    }
    try {
      RaftSnapshot s = RaftSnapshot.parseFrom(data);
      return Optional.of(s.toBuilder().clearData().build());
    } catch (InvalidProtocolBufferException e) {
      throw new EtcdFileException(newest, 0, "undecodable raftpb.Snapshot: " + e.getMessage());
    }
  }
}
