package io.akkaetcd.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** Keys as etcd's tools/benchmark makes them: binary.PutVarint into a zeroed key of --key-size bytes. */
class VarintKeyTest {
  private static byte[] key(long n, int size) {
    return Benchmark.varintKey(n, size).toByteArray();
  }

  @Test
  void zigZagVarintZeroPadded() {
    assertArrayEquals(new byte[8], key(0, 8));
    assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 0, 0, 0}, key(1, 8));
    assertArrayEquals(new byte[] {1, 0, 0, 0, 0, 0, 0, 0}, key(-1, 8));
    assertArrayEquals(new byte[] {(byte) 0x80, 1, 0, 0}, key(64, 4));
  }

  @Test
  void aVarintLongerThanTheKeySizeIsKeptWhole() {
    byte[] k = key(Long.MAX_VALUE, 8);
    assertArrayEquals(new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
        (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1}, k);
  }
}
