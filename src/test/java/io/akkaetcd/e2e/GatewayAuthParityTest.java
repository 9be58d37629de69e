package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestFactory;

/**
 * The JSON gateway's streams with auth on, against real etcd 3.4.23's: a watch and an election observe
 * run as the user the Authorization header names (refused or ended as etcd does), a snapshot and a
 * defragment need root (refused with the auth store's own UNKNOWN error, as etcd's
 * authMaintenanceServer), and a lease keep-alive is not checked at all (etcd 3.4 does not).
 */
class GatewayAuthParityTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  @RegisterExtension
  static final SideBySideExtension pair = new SideBySideExtension(Map.of());

  /** A call as {@code user} ("" anonymous, else name:password), reading {@code lines} lines of a stream. */
  record Call(String user, String path, String body, int lines) {
    @Override
    public String toString() {
      return (user.isEmpty() ? "anonymous" : user.substring(0, user.indexOf(':'))) + " " + path + " " + body;
    }
  }

  static final List<Call> CALLS = List.of(
      // "app/" readable by u; "ename/1" (an election's candidate key, put by root) not
      new Call("u:upw", "/v3/election/observe", "{\"name\":\"ZW5hbWU=\"}", 1),
      new Call("", "/v3/election/observe", "{\"name\":\"ZW5hbWU=\"}", 1),
      new Call("root:rootpw", "/v3/election/observe", "{\"name\":\"ZW5hbWU=\"}", 1),
      new Call("u:upw", "/v3/watch", "{\"create_request\":{\"key\":\"ZW5hbWUvMQ==\"}}", 1),
      new Call("", "/v3/watch", "{\"create_request\":{\"key\":\"ZW5hbWUvMQ==\"}}", 1),
      new Call("u:upw", "/v3/watch", "{\"create_request\":{\"key\":\"YXBwL2E=\"}}", 1),
      new Call("u:upw", "/v3/maintenance/snapshot", "{}", 1),
      new Call("", "/v3/maintenance/snapshot", "{}", 1),
      new Call("u:upw", "/v3/maintenance/defragment", "{}", 0),
      new Call("u:upw", "/v3/lease/keepalive", "{\"ID\":\"1\"}", 1),
      new Call("", "/v3/lease/keepalive", "{\"ID\":\"1\"}", 1));

  @BeforeAll
  static void start() throws Exception {
    for (String endpoint : List.of(pair.etcd().endpoint(), pair.ours().endpoint())) {
      for (String[] step : new String[][] {{"user", "add", "root:rootpw"}, {"user", "add", "u:upw"},
          {"role", "add", "r"}, {"role", "grant-permission", "r", "read", "app/", "--prefix"},
          {"user", "grant-role", "u", "r"}, {"auth", "enable"},
          {"--user", "root:rootpw", "put", "ename/1", "leader"}}) {
        Etcdctl.Result r = Etcdctl.run(endpoint, null, step);
        assertEquals(0, r.exitCode(), String.join(" ", step) + ": " + r.stderr());
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> streamsRunAsTheHeadersUser() {
    return CALLS.stream().map(call -> DynamicTest.dynamicTest(call.toString(), () ->
        assertEquals(send(pair.etcd().endpoint(), call), send(pair.ours().endpoint(), call), call.toString())));
  }

  private static String send(String endpoint, Call call) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint + call.path()))
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(call.body()));
    if (!call.user().isEmpty()) {
      request.header("Authorization", token(endpoint, call.user()));
    }
    HttpResponse<Stream<String>> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines());
    // A stream the server keeps open is read for the lines it must hold, bounded in time; one that
    // ends (an observe refused, a failure) is read to its end.
    String body;
    try (Stream<String> lines = response.body()) {
      body = CompletableFuture.supplyAsync(() -> String.join("\n",
          lines.limit(call.lines() == 0 ? Long.MAX_VALUE : call.lines()).toList())).get(15, TimeUnit.SECONDS);
    }
    // a snapshot's first chunk differs in its bytes; only whether it came matters
    return GatewayParityTest.mask(response.statusCode() + " " + body)
        .replaceAll("\"blob\":\"[^\"]*\"", "\"blob\":\"B\"").replaceAll("\"remaining_bytes\":\"\\d+\"", "\"remaining_bytes\":\"N\"");
  }

  private static String token(String endpoint, String user) throws Exception {
    int colon = user.indexOf(':');
    String body = "{\"name\":\"" + user.substring(0, colon) + "\",\"password\":\"" + user.substring(colon + 1) + "\"}";
    String answer = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint + "/v3/auth/authenticate"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(answer);
    if (!m.find()) {
      throw new AssertionError("no token in " + answer);
    }
    return m.group(1);
  }
}
