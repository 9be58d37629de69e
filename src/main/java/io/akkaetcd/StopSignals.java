package io.akkaetcd;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import sun.misc.Signal;

/**
 * SIGINT and SIGTERM as etcd handles them (Go's osutil.HandleInterrupts): stop the member in order,
 * then die by the same signal with its default action, so whoever waits on the process (systemd, a
 * container runtime, etcd's e2e suite) sees "killed by signal" rather than the JVM's exit status
 * 130 or 143.
 */
final class StopSignals {
  private StopSignals() {}

  /** The two libc calls that restore a signal's default action and send it to this process. */
  public interface LibC {
    Pointer signal(int signum, Pointer handler);

    int getpid();

    int kill(int pid, int signum);
  }

  /** Installs the handlers; {@code stop} runs once, on the first of the signals. */
  static void install(Runnable stop) {
    AtomicBoolean stopping = new AtomicBoolean();
    for (String name : List.of("INT", "TERM")) {
      Signal.handle(new Signal(name), signal -> {
        if (!stopping.compareAndSet(false, true)) return;
        try {
          stop.run();
        } finally {
          dieBy(signal.getNumber());
        }
      });
    }
  }

  private static void dieBy(int signum) {
    try {
      LibC libc = LibraryLoader.create(LibC.class).load("c");
      libc.signal(signum, null); // SIG_DFL is the null handler
      libc.kill(libc.getpid(), signum);
    } catch (RuntimeException | LinkageError e) {
      // no libc to call: the shell's convention for death by a signal
    }
    Runtime.getRuntime().halt(128 + signum);
  }
}
