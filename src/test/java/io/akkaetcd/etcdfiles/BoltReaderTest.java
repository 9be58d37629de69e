package io.akkaetcd.etcdfiles;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.akkaetcd.storage.BoltWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader against files of the bolt writer (etcd's tools accept those: EtcdctlSnapshotTest), whole and damaged. */
class BoltReaderTest {
  @TempDir
  Path dir;

  @Test
  void readsBackEveryPairThroughBranchAndOverflowPages() throws Exception {
    Path file = dir.resolve("db");
    List<byte[][]> written = new ArrayList<>();
    try (BoltWriter bolt = BoltWriter.create(file)) {
      bolt.bucket("alarm");
      bolt.bucket("key");
      for (int rev = 1; rev <= 20_000; rev++) {
        byte[] key = ByteBuffer.allocate(17).putLong(rev).put((byte) '_').putLong(0).array();
        byte[] value = new byte[rev == 777 ? 10_000 : 50 + rev % 7];
        Arrays.fill(value, (byte) rev);
        bolt.put(key, value);
        written.add(new byte[][] {key, value});
      }
      bolt.bucket("meta");
      bolt.put("consistent_index".getBytes(), ByteBuffer.allocate(8).putLong(42).array());
      bolt.finish();
    }
    try (BoltReader bolt = BoltReader.open(file)) {
      assertEquals(List.of("alarm", "key", "meta"), bolt.buckets());
      List<byte[][]> read = new ArrayList<>();
      bolt.forEach("key", (k, v) -> read.add(new byte[][] {k, v}));
      assertEquals(written.size(), read.size());
      for (int i = 0; i < written.size(); i++) {
        assertArrayEquals(written.get(i)[0], read.get(i)[0]);
        assertArrayEquals(written.get(i)[1], read.get(i)[1]);
      }
      long[] index = {0};
      bolt.forEach("meta", (k, v) -> index[0] = ByteBuffer.wrap(v).getLong());
      assertEquals(42, index[0]);
      int[] none = {0};
      bolt.forEach("alarm", (k, v) -> none[0]++);
      bolt.forEach("members", (k, v) -> none[0]++);
      assertEquals(0, none[0]);
    }
  }

  @Test
  void aTruncatedFileIsAnErrorNamingItsSize() throws Exception {
    Path file = dir.resolve("db");
    try (BoltWriter bolt = BoltWriter.create(file)) {
      bolt.bucket("key");
      for (int rev = 1; rev <= 2_000; rev++) {
        bolt.put(ByteBuffer.allocate(17).putLong(rev).put((byte) '_').putLong(0).array(), new byte[100]);
      }
      bolt.finish();
    }
    byte[] bytes = Files.readAllBytes(file);
    Path cut = dir.resolve("cut.db");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length - 4096 - 100));
    EtcdFileException e = assertThrows(EtcdFileException.class, () -> BoltReader.open(cut).close());
    assertEquals(cut, e.file());
    assertEquals(bytes.length - 4096 - 100, e.offset());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void aFileWhoseMetaPagesFailTheirChecksumIsNotABoltFile() throws Exception {
    Path file = dir.resolve("db");
    try (BoltWriter bolt = BoltWriter.create(file)) {
      bolt.bucket("key");
      bolt.finish();
    }
    byte[] bytes = Files.readAllBytes(file);
    bytes[16 + 48] ^= 1; // txid of meta 0
    bytes[4096 + 16 + 48] ^= 1; // and of meta 1
    Files.write(file, bytes);
    EtcdFileException e = assertThrows(EtcdFileException.class, () -> BoltReader.open(file).close());
    assertTrue(e.getMessage().contains("meta page 0 fails its checksum, meta page 1 fails its checksum"), e.getMessage());
  }
}
