package io.akkaetcd.cluster;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/** A parsed ByteString's bytes as an array, without a copy when it owns exactly one (a snapshot chunk's pairs). */
final class Bytes {
  private Bytes() {}

  /** The caller must not change the array: it may be the ByteString's own. */
  static byte[] array(ByteString bytes) {
    byte[][] whole = new byte[1][];
    try {
      UnsafeByteOperations.unsafeWriteTo(bytes, new ByteOutput() {
        @Override
        public void write(byte value) {}

        @Override
        public void write(byte[] value, int offset, int length) {}

        @Override
        public void writeLazy(byte[] value, int offset, int length) {
          if (whole[0] == null && offset == 0 && length == value.length && length == bytes.size()) {
            whole[0] = value;
          }
        }

        @Override
        public void write(ByteBuffer value) {}

        @Override
        public void writeLazy(ByteBuffer value) {}
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return whole[0] != null ? whole[0] : bytes.toByteArray();
  }
}
