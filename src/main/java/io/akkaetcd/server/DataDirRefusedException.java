package io.akkaetcd.server;

/** A data dir this member will not start on (and leaves untouched), with the reason. */
public final class DataDirRefusedException extends RuntimeException {
  public DataDirRefusedException(String message) {
    super(message);
  }
}
