package io.akkaetcd.mvcc;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import java.io.IOException;

/**
 * What restoring the key index needs of a key-bucket entry (a serialized {@code mvccpb.KeyValue}): the
 * key, create revision, version and lease, read without copying the value, which restore does not use
 * (a store of a million 256-byte values would copy 256 MB for nothing).
 */
record StoredKey(ByteString key, long createRevision, long version, long lease) {
  private static final int KEY = 1;
  private static final int CREATE_REVISION = 2;
  private static final int VERSION = 4;
  private static final int LEASE = 6;

  static StoredKey parse(byte[] revisionKey, byte[] value) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(value);
      ByteString key = ByteString.EMPTY;
      long create = 0;
      long version = 0;
      long lease = 0;
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        switch (tag >>> 3) {
          case KEY -> key = in.readBytes();
          case CREATE_REVISION -> create = in.readInt64();
          case VERSION -> version = in.readInt64();
          case LEASE -> lease = in.readInt64();
          default -> in.skipField(tag);
        }
      }
      return new StoredKey(key, create, version, lease);
    } catch (IOException e) { // InvalidProtocolBufferException: not a KeyValue
      throw new IllegalStateException("corrupt key-bucket entry " + BackendLayout.revisionOf(revisionKey), e);
    }
  }
}
