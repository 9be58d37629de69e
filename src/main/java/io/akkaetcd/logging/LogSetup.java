package io.akkaetcd.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.akkaetcd.config.LogConfig;
import org.slf4j.LoggerFactory;

/**
 * Points logback's root logger at {@code --log-outputs} with {@code --logger}'s format and
 * {@code --log-level}. With the defaults (zap to stderr) logback.xml's own appender stays, so an
 * operator's logback.xml (a release's conf/logback.xml) keeps working.
 */
public final class LogSetup {
  private LogSetup() {}

  /** logback.xml's pattern; what {@code --logger capnslog} writes. */
  public static final String PLAIN_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} %msg%n";

  public static void apply(LogConfig config) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(level(config.level()));
    boolean asConfigured = config.logger().equals("zap")
        && config.outputs().equals(java.util.List.of(LogConfig.DEFAULT_OUTPUT));
    if (asConfigured) return;
    LoggerContext context = root.getLoggerContext();
    root.detachAndStopAllAppenders();
    for (String output : config.outputs()) {
      OutputStreamAppender<ILoggingEvent> appender;
      switch (output) {
        case LogConfig.DEFAULT_OUTPUT, "stderr", "stdout" -> {
          ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
          console.setTarget(output.equals("stdout") ? "System.out" : "System.err");
          appender = console;
        }
        default -> {
          FileAppender<ILoggingEvent> file = new FileAppender<>();
          file.setFile(output);
          file.setAppend(true);
          appender = file;
        }
      }
      appender.setContext(context);
      appender.setName(output);
      appender.setEncoder(encoder(config.logger(), context));
      appender.start();
      root.addAppender(appender);
    }
  }

  /** Writes out and closes every appender: the last step before the process dies by a signal. */
  public static void flush() {
    ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
  }

  private static Encoder<ILoggingEvent> encoder(String logger, LoggerContext context) {
    Encoder<ILoggingEvent> encoder;
    if (logger.equals("capnslog")) {
      PatternLayoutEncoder plain = new PatternLayoutEncoder();
      plain.setPattern(PLAIN_PATTERN);
      encoder = plain;
    } else {
      encoder = new EtcdJsonEncoder();
    }
    encoder.setContext(context);
    encoder.start();
    return encoder;
  }

  /** etcd's levels onto logback's; panic and fatal log as error (nothing here panics on a log call). */
  static Level level(String etcdLevel) {
    return switch (etcdLevel) {
      case "debug" -> Level.DEBUG;
      case "warn" -> Level.WARN;
      case "error", "dpanic", "panic", "fatal" -> Level.ERROR;
      default -> Level.INFO;
    };
  }
}
