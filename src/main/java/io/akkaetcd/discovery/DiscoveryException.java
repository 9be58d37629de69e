package io.akkaetcd.discovery;

/** Bootstrap discovery failed; the message is etcd's. */
public final class DiscoveryException extends Exception {
  public DiscoveryException(String message) {
    super(message, null, false, false);
  }
}
