package io.akkaetcd.config;

/**
 * A member configuration etcd would refuse to start with. The message is etcd's text; the launcher
 * prints it to stderr and exits with {@link #exitCode()} (1, as etcd does for these).
 */
public final class EtcdConfigException extends RuntimeException {
  private final int exitCode;

  public EtcdConfigException(String message) {
    this(message, 1);
  }

  public EtcdConfigException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  /** What {@link EtcdFlags#parse} throws when the command line asks for anything but a run. */
  public static final class NotARun extends RuntimeException {
    private final LaunchRequest request;

    NotARun(LaunchRequest request) {
      super(request instanceof LaunchRequest.Fail f ? f.message() : request.getClass().getSimpleName(), null, false, false);
      this.request = request;
    }

    public LaunchRequest request() {
      return request;
    }
  }
}
