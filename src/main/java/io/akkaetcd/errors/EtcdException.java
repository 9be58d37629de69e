package io.akkaetcd.errors;

/** A request failed with one of etcd's client-visible errors. Cheap: no stack trace. */
public final class EtcdException extends RuntimeException {
  private final EtcdError error;

  public EtcdException(EtcdError error) {
    super(error.message, null, false, false);
    this.error = error;
  }

  public EtcdError error() {
    return error;
  }
}
