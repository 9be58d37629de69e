package io.akkaetcd.etcdfiles;

/**
 * CRC-32C (Castagnoli) that can continue from a given value, as Go's crc32.Update does: etcd's WAL
 * chains one checksum over all records and restarts it from the value a crc record carries, which
 * java.util.zip.CRC32C cannot be seeded with.
 */
final class Crc32c {
  private static final int[] TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int c = i;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? (c >>> 1) ^ 0x82F63B78 : c >>> 1;
      }
      TABLE[i] = c;
    }
  }

  private Crc32c() {}

  static int update(int crc, byte[] data) {
    int c = ~crc;
    for (byte b : data) {
      c = TABLE[(c ^ b) & 0xFF] ^ (c >>> 8);
    }
    return ~c;
  }
}
