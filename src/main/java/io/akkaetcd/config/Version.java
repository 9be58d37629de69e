package io.akkaetcd.config;

import java.util.Locale;

/** The versions akka-etcd reports, and the text {@code --version} prints. */
public final class Version {
  private Version() {}

  /** The etcd server version we report (maintenance Status, /version). */
  public static final String SERVER_VERSION = "3.5.0";

  /** The cluster version we report. */
  public static final String CLUSTER_VERSION = "3.5.0";

  /** System property bin/etcd sets from {@code git rev-parse --short HEAD} when it can. */
  public static final String GIT_SHA_PROPERTY = "akkaetcd.git-sha";

  /**
   * Shaped like etcd's {@code --version} output; the first line is identical in form
   * ({@code etcd Version: 3.5.0}), the Go lines are replaced by the JVM's.
   */
  public static String versionText() {
    String sha = System.getProperty(GIT_SHA_PROPERTY, "");
    if (sha.isBlank()) sha = "Not provided (use bin/etcd instead of java -cp)";
    return "etcd Version: " + SERVER_VERSION + "\n"
        + "Git SHA: " + sha + "\n"
        + "Java Version: " + System.getProperty("java.version") + "\n"
        + "Java OS/Arch: " + os() + "/" + arch() + "\n";
  }

  private static String os() {
    String os = System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT);
    if (os.startsWith("linux")) return "linux";
    if (os.startsWith("mac") || os.startsWith("darwin")) return "darwin";
    if (os.startsWith("windows")) return "windows";
    return os.replace(' ', '_');
  }

  private static String arch() {
    String a = System.getProperty("os.arch", "unknown");
    switch (a) {
      case "amd64": case "x86_64": return "amd64";
      case "aarch64": case "arm64": return "arm64";
      case "x86": case "i386": case "i686": return "386";
      default: return a;
    }
  }
}
