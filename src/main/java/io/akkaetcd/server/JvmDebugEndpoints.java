package io.akkaetcd.server;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import jdk.jfr.Recording;

/**
 * What {@code --enable-pprof} serves on a JVM, where etcd serves Go's /debug/pprof: a thread dump, a
 * heap histogram (live objects by class, after a full GC, as jcmd GC.class_histogram), and a JFR
 * recording of a few seconds to open in JDK Mission Control. Off unless the flag is given, as etcd's.
 */
final class JvmDebugEndpoints {
  static final String PREFIX = "/debug/";
  private static final int MAX_RECORDING_SECONDS = 60;
  private static final String INDEX = """
      akka-etcd debug endpoints (--enable-pprof):
      /debug/threads                 thread dump (jcmd Thread.print)
      /debug/heap-histogram          live objects by class (jcmd GC.class_histogram)
      /debug/jfr?seconds=N           a JFR recording of N seconds (1-60, default 10)
      """;

  private JvmDebugEndpoints() {}

  static CompletionStage<HttpResponse> serve(HttpRequest request) {
    return switch (request.getUri().path()) {
      case "/debug/", "/debug/pprof/", "/debug/pprof" -> text(INDEX);
      case "/debug/threads" -> async(() -> text200(diagnostic("threadPrint")));
      case "/debug/heap-histogram" -> async(() -> text200(diagnostic("gcClassHistogram")));
      case "/debug/jfr" -> recording(request);
      default -> CompletableFuture.completedFuture(HttpResponse.create().withStatus(StatusCodes.NOT_FOUND));
    };
  }

  /** Records for the given seconds without holding a thread meanwhile, then answers with the file. */
  private static CompletionStage<HttpResponse> recording(HttpRequest request) {
    Optional<String> secondsParam = request.getUri().query().get("seconds");
    int seconds;
    try {
      seconds = secondsParam.map(Integer::parseInt).orElse(10);
    } catch (NumberFormatException e) {
      seconds = -1;
    }
    if (seconds < 1 || seconds > MAX_RECORDING_SECONDS) {
      return CompletableFuture.completedFuture(HttpResponse.create().withStatus(StatusCodes.BAD_REQUEST)
          .withEntity("seconds must be between 1 and " + MAX_RECORDING_SECONDS + "\n"));
    }
    // The server's request timeout (20 s) must not cut a longer recording short.
    final int recordFor = seconds;
    request.getHeader(akka.http.javadsl.model.headers.TimeoutAccess.class).ifPresent(access ->
        access.timeoutAccess().updateTimeout(scala.concurrent.duration.Duration.create(recordFor + 60L, TimeUnit.SECONDS)));
    Recording recording = new Recording();
    recording.setToDisk(true);
    recording.start();
    return CompletableFuture.supplyAsync(() -> {
      try {
        Path file = Files.createTempFile("akka-etcd-", ".jfr");
        try {
          recording.stop();
          recording.dump(file);
          return HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM,
              Files.readAllBytes(file)));
        } finally {
          recording.close();
          Files.deleteIfExists(file);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, CompletableFuture.delayedExecutor(seconds, TimeUnit.SECONDS));
  }

  /** A HotSpot diagnostic command, as jcmd runs it, through the platform MBean server. */
  private static String diagnostic(String operation) {
    try {
      return (String) ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), operation,
          new Object[] {new String[0]}, new String[] {String[].class.getName()});
    } catch (javax.management.JMException e) {
      throw new IllegalStateException("diagnostic command " + operation + " failed", e);
    }
  }

  private static CompletionStage<HttpResponse> async(java.util.function.Supplier<HttpResponse> work) {
    return CompletableFuture.supplyAsync(work);
  }

  private static CompletionStage<HttpResponse> text(String body) {
    return CompletableFuture.completedFuture(text200(body));
  }

  private static HttpResponse text200(String body) {
    return HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, body));
  }
}
