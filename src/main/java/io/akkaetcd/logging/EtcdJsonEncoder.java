package io.akkaetcd.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * etcd's log lines (zap's JSON encoder with etcd's pkg/logutil settings), written with Jackson:
 * {@code {"level":"info","ts":"2026-12-01T16:45:37.686Z","caller":"server/EtcdServer.java:209","msg":"..."}},
 * then {@code error} and, from error level up, {@code stacktrace}, as zap adds them.
 */
public final class EtcdJsonEncoder extends EncoderBase<ILoggingEvent> {
  private static final JsonFactory JSON = new JsonFactory();
  /** zapcore.ISO8601TimeEncoder: "2006-01-02T15:04:05.000Z0700". */
  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXX").withZone(ZoneId.systemDefault());
  private static final String OWN_PACKAGE = "io.akkaetcd.";

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("level", level(event.getLevel()));
      g.writeStringField("ts", TS.format(Instant.ofEpochMilli(event.getTimeStamp())));
      g.writeStringField("caller", caller(event));
      g.writeStringField("msg", event.getFormattedMessage());
      IThrowableProxy t = event.getThrowableProxy();
      if (t != null) {
        g.writeStringField("error", t.getClassName() + ": " + t.getMessage());
      }
      if (t != null && event.getLevel().isGreaterOrEqual(Level.ERROR)) {
        g.writeStringField("stacktrace", ThrowableProxyUtil.asString(t));
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write('\n');
    return out.toByteArray();
  }

  private static String level(Level level) {
    return switch (level.toInt()) {
      case Level.ERROR_INT -> "error";
      case Level.WARN_INT -> "warn";
      case Level.DEBUG_INT, Level.TRACE_INT -> "debug";
      default -> "info";
    };
  }

  /**
   * zap's ShortCallerEncoder ("package/file:line") for this project's classes; for library loggers
   * (Akka's arrive through its Slf4jLogger actor, far from the call) the logger's name.
   */
  private static String caller(ILoggingEvent event) {
    String logger = event.getLoggerName();
    if (logger.startsWith(OWN_PACKAGE)) {
      StackTraceElement[] callers = event.getCallerData();
      if (callers.length > 0) {
        StackTraceElement c = callers[0];
        String cls = c.getClassName();
        int dot = cls.lastIndexOf('.');
        String pkg = dot < 0 ? "" : cls.substring(0, dot);
        return pkg.substring(pkg.lastIndexOf('.') + 1) + "/" + c.getFileName() + ":" + c.getLineNumber();
      }
    }
    return logger;
  }
}
