package io.akkaetcd.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Properties;

/** The versions akka-etcd reports, and the text {@code --version} prints. */
public final class Version {
  private Version() {}

  /**
   * The etcd release whose API and behaviour this member conforms to, reported as etcd 3.4.23 reports
   * itself (/version, Maintenance.Status, etcd_server_version, --version): the release of the e2e
   * suite and etcdctl it is checked against. README, "Which version it reports", says why not 3.5.
   */
  public static final String SERVER_VERSION = "3.4.23";

  /** etcd's cluster version as /version shows it: major.minor.0 ("3.4.0"). */
  public static final String CLUSTER_VERSION = majorMinor(SERVER_VERSION) + ".0";

  /** etcd's version.Cluster: major.minor, as etcd_cluster_version's label and the capabilities log line read. */
  public static final String CLUSTER_API_VERSION = majorMinor(SERVER_VERSION);

  private static String majorMinor(String version) {
    return version.substring(0, version.indexOf('.', version.indexOf('.') + 1));
  }

  /** System property bin/etcd sets from {@code git rev-parse --short HEAD} when it can. */
  public static final String GIT_SHA_PROPERTY = "akkaetcd.git-sha";

  /** Written at build time by git-commit-id-maven-plugin (absent when built outside a git clone). */
  private static final String GIT_PROPERTIES = "/io/akkaetcd/git.properties";

  /**
   * etcd's {@code --version} lines with etcd's labels, so scripts that read them find them: the Go
   * lines name the Java runtime that runs in Go's place ({@code Go Version: java17.0.15}).
   */
  public static String versionText() {
    return "etcd Version: " + SERVER_VERSION + "\n"
        + "Git SHA: " + gitSha() + "\n"
        + "Go Version: java" + System.getProperty("java.version") + "\n"
        + "Go OS/Arch: " + os() + "/" + arch() + "\n";
  }

  /** bin/etcd's live {@code git rev-parse} first (the classes may predate the last commit), then the build's. */
  static String gitSha() {
    String sha = System.getProperty(GIT_SHA_PROPERTY, "");
    if (!sha.isBlank()) return sha;
    try (InputStream in = Version.class.getResourceAsStream(GIT_PROPERTIES)) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        sha = p.getProperty("git.commit.id.abbrev", "");
      }
    } catch (IOException e) {
      sha = "";
    }
    return sha.isBlank() ? "Not provided (built outside a git clone)" : sha;
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
