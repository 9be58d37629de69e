package io.akkaetcd.etcdfiles;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.akkaetcd.etcdfiles.proto.WalRecord;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds WAL segments the way etcd's encoder frames them, for the reader's tests. */
final class WalFiles {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private int crc;

  WalFiles record(int type, Message data) {
    return record(type, data.toByteString());
  }

  WalFiles record(int type, ByteString data) {
    WalRecord.Builder r = WalRecord.newBuilder().setType(type).setData(data);
    if (type == EtcdWalReader.CRC) {
      r.setCrc(crc);
    } else {
      crc = Crc32c.update(crc, data.toByteArray());
      r.setCrc(crc);
    }
    byte[] rec = r.build().toByteArray();
    int pad = (8 - rec.length % 8) % 8;
    long len = rec.length;
    if (pad != 0) {
      len |= (0x80L | pad) << 56;
    }
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(len).array());
    out.writeBytes(rec);
    out.writeBytes(new byte[pad]);
    return this;
  }

  /** The segment, followed by zeroed preallocated space as etcd's files have. */
  byte[] bytes() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(out.toByteArray());
    b.writeBytes(new byte[64]);
    return b.toByteArray();
  }

  int size() {
    return out.size();
  }
}
