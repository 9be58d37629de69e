package io.akkaetcd.etcdfiles;

import java.nio.file.Path;

/**
 * An etcd file that cannot be read fully: names the file and the byte offset where reading failed, so
 * the member refuses to start rather than starting fresh beside data it did not understand.
 */
public final class EtcdFileException extends RuntimeException {
  private final Path file;
  private final long offset;

  public EtcdFileException(Path file, long offset, String problem) {
    this(file, offset, problem, null);
  }

  public EtcdFileException(Path file, long offset, String problem, Throwable cause) {
    super(file + " at offset " + offset + ": " + problem, cause);
    this.file = file;
    this.offset = offset;
  }

  public Path file() {
    return file;
  }

  public long offset() {
    return offset;
  }
}
