package io.akkaetcd.config;

import com.typesafe.config.Config;
import java.util.List;

/**
 * What the command line asks the launcher to do. {@link EtcdFlags#request} returns one of these; the
 * caller (io.akkaetcd.Main) does the printing and exiting, so parsing itself never touches System.out,
 * System.err or System.exit.
 */
public sealed interface LaunchRequest {

  /**
   * Start a member. {@code overrides} holds only what flags and ETCD_* variables set, under
   * {@code akka-etcd.*}; layer it as {@code overrides.withFallback(ConfigFactory.load())}.
   * {@code warnings} are to be logged at WARN, {@code notices} at INFO (etcd logs the same lines from
   * its pkg/flags).
   */
  record Run(Config overrides, List<String> warnings, List<String> notices) implements LaunchRequest {
    public Run {
      warnings = List.copyOf(warnings);
      notices = List.copyOf(notices);
    }
  }

  /** {@code --version}: print {@code text} to stdout, exit 0. */
  record PrintVersion(String text) implements LaunchRequest {}

  /** {@code -h}/{@code --help}: print {@code usage} to stderr and {@code flags} to stdout, exit 0 (as etcd does). */
  record PrintHelp(String usage, String flags) implements LaunchRequest {}

  /**
   * Refuse to start: print {@link #stderrText()} to stderr and exit with {@code exitCode}. Flag syntax
   * errors are exit 2 followed by the usage text (Go's flag package); errors found after parsing (a bad
   * ETCD_* value, a stray argument) are exit 1 without usage.
   */
  record Fail(String message, int exitCode, boolean showUsage) implements LaunchRequest {
    public String stderrText() {
      return showUsage ? message + "\n" + EtcdFlags.usage() : message + "\n";
    }
  }
}
