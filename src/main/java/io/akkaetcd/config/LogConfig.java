package io.akkaetcd.config;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --logger}, {@code --log-outputs}, {@code --log-level} checked as etcd 3.4's
 * embed.Config.setupLogging checks them: "zap" writes etcd's JSON lines, "capnslog" (deprecated in etcd)
 * plain text to one output; outputs are "default" (stderr), "stderr", "stdout" or file paths.
 */
public record LogConfig(String logger, List<String> outputs, String level) {
  public static final String DEFAULT_OUTPUT = "default";

  public static LogConfig from(Config c) {
    String logger = c.getString(EtcdFlags.KEY_PREFIX + "logger");
    if (logger.isEmpty()) logger = "zap";
    List<String> outputs = new ArrayList<>();
    for (String o : c.getString(EtcdFlags.KEY_PREFIX + "log-outputs").split(",")) {
      if (!o.isEmpty()) outputs.add(o);
    }
    if (outputs.isEmpty()) outputs.add(DEFAULT_OUTPUT);
    switch (logger) {
      case "zap" -> {
        if (outputs.size() > 1 && outputs.contains(DEFAULT_OUTPUT)) {
          throw verify("multi logoutput for \"default\" is not supported yet");
        }
      }
      case "capnslog" -> {
        if (outputs.size() != 1) {
          throw verify("--logger=capnslog supports only 1 value in '--log-outputs', got " + goList(outputs));
        }
        String o = outputs.get(0);
        if (!o.equals(DEFAULT_OUTPUT) && !o.equals("stderr") && !o.equals("stdout")) {
          throw verify("unknown log-output " + GoValues.quote(o) + " (only supports \"default\", \"stderr\", \"stdout\")");
        }
      }
      default -> throw verify("unknown logger option " + GoValues.quote(logger));
    }
    String level = c.getString(EtcdFlags.KEY_PREFIX + "log-level");
    if (!MemberConfig.LOG_LEVELS.contains(level)) {
      throw verify("unknown log-level " + GoValues.quote(level) + ", only supports debug, info, warn, error, panic, or fatal");
    }
    return new LogConfig(logger, List.copyOf(outputs), level);
  }

  private static String goList(List<String> xs) {
    List<String> q = new ArrayList<>();
    for (String x : xs) q.add(GoValues.quote(x));
    return "[" + String.join(" ", q) + "]";
  }

  private static EtcdConfigException verify(String message) {
    return new EtcdConfigException("error verifying flags, " + message + ". See 'etcd --help'.");
  }
}
