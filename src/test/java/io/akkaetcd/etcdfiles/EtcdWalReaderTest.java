package io.akkaetcd.etcdfiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.akkaetcd.etcdfiles.proto.RaftEntry;
import io.akkaetcd.etcdfiles.proto.RaftHardState;
import io.akkaetcd.etcdfiles.proto.WalMetadata;
import io.akkaetcd.etcdfiles.proto.WalSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WAL segments framed as etcd's encoder frames them; the reader's view of them, and of damaged ones. */
class EtcdWalReaderTest {
  private static final String FIRST = "0000000000000000-0000000000000000.wal";

  @TempDir
  Path dir;

  private static WalFiles segment() {
    return new WalFiles().record(EtcdWalReader.CRC, ByteString.EMPTY)
        .record(EtcdWalReader.METADATA, WalMetadata.newBuilder().setNodeId(7).setClusterId(9).build())
        .record(EtcdWalReader.SNAPSHOT, WalSnapshot.getDefaultInstance())
        .record(EtcdWalReader.ENTRY, entry(1, 1, "a"))
        .record(EtcdWalReader.ENTRY, entry(2, 1, "bb"))
        .record(EtcdWalReader.ENTRY, entry(3, 1, "ccc"))
        // a new leader overwrites the tail from index 3
        .record(EtcdWalReader.ENTRY, entry(3, 2, "dddd"))
        .record(EtcdWalReader.STATE, RaftHardState.newBuilder().setTerm(2).setVote(7).setCommit(3).build());
  }

  private static RaftEntry entry(long index, long term, String data) {
    return RaftEntry.newBuilder().setIndex(index).setTerm(term).setData(ByteString.copyFromUtf8(data)).build();
  }

  @Test
  void readsMetadataHardStateAndEntriesWithTheLaterTailWinning() throws Exception {
    Files.write(dir.resolve(FIRST), segment().bytes());
    EtcdWalReader.Contents wal = EtcdWalReader.read(dir);
    assertEquals(7, wal.nodeId());
    assertEquals(9, wal.clusterId());
    assertEquals(3, wal.hardState().getCommit());
    assertEquals(List.of(1L, 2L, 3L), wal.entries().stream().map(RaftEntry::getIndex).toList());
    assertEquals("dddd", wal.entries().get(2).getData().toStringUtf8());
  }

  @Test
  void aFlippedBitIsACrcMismatchAtThatRecordsOffset() throws Exception {
    WalFiles before = new WalFiles().record(EtcdWalReader.CRC, ByteString.EMPTY)
        .record(EtcdWalReader.METADATA, WalMetadata.newBuilder().setNodeId(7).setClusterId(9).build());
    int offset = before.size();
    byte[] bytes = before.record(EtcdWalReader.ENTRY, entry(1, 1, "value")).bytes();
    bytes[offset + 8 + 12] ^= 0x04; // inside the entry's data
    Path file = dir.resolve(FIRST);
    Files.write(file, bytes);
    EtcdFileException e = assertThrows(EtcdFileException.class, () -> EtcdWalReader.read(dir));
    assertEquals(file, e.file());
    assertEquals(offset, e.offset());
    assertTrue(e.getMessage().contains("CRC mismatch") || e.getMessage().contains("undecodable"), e.getMessage());
  }

  @Test
  void aRecordTypeFromANewerEtcdIsRefused() throws Exception {
    WalFiles wal = segment();
    int offset = wal.size();
    Files.write(dir.resolve(FIRST), wal.record(9, ByteString.copyFromUtf8("?")).bytes());
    EtcdFileException e = assertThrows(EtcdFileException.class, () -> EtcdWalReader.read(dir));
    assertEquals(offset, e.offset());
    assertTrue(e.getMessage().contains("unknown WAL record type 9"), e.getMessage());
  }

  @Test
  void aRecordRunningPastTheEndIsAnError() throws Exception {
    byte[] bytes = segment().bytes();
    Path file = dir.resolve(FIRST);
    int size = segment().size();
    Files.write(file, java.util.Arrays.copyOf(bytes, size - 3));
    EtcdFileException e = assertThrows(EtcdFileException.class, () -> EtcdWalReader.read(dir));
    assertTrue(e.getMessage().contains("runs past the end"), e.getMessage());
  }
}
