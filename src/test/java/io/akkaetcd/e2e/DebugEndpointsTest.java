package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** --enable-pprof: the JVM's thread dump, heap histogram and a JFR recording under /debug/; off by default. */
class DebugEndpointsTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void servedOnlyWithTheFlag() throws Exception {
    try (TestMember on = TestMember.start(Map.of("akka-etcd.enable-pprof", true))) {
      String threads = get(on.endpoint() + "/debug/threads", HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(threads.contains("java.lang.Thread.State"), threads);
      String histogram = get(on.endpoint() + "/debug/heap-histogram", HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(histogram.contains("java.lang.String"), histogram);
      HttpResponse<byte[]> jfr = get(on.endpoint() + "/debug/jfr?seconds=2", HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, jfr.statusCode());
      assertArrayEquals(new byte[] {'F', 'L', 'R', 0}, Arrays.copyOf(jfr.body(), 4), "a JFR file's magic");
      assertEquals(400, get(on.endpoint() + "/debug/jfr?seconds=0", HttpResponse.BodyHandlers.ofString()).statusCode());
    }
    try (TestMember off = TestMember.start()) {
      assertEquals(404, get(off.endpoint() + "/debug/threads", HttpResponse.BodyHandlers.ofString()).statusCode());
    }
  }

  private static <T> HttpResponse<T> get(String url, HttpResponse.BodyHandler<T> body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(), body);
  }
}
