package io.akkaetcd.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.akkaetcd.api.AuthenticateRequest;
import io.akkaetcd.api.AuthenticateResponse;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.RangeRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code gateway-put} and {@code gateway-range}: the same closed loop over etcd's JSON gateway, as a
 * curl-driven script talks to it: {@code POST /v3/kv/put} and {@code /v3/kv/range} with
 * grpc-gateway's JSON (bytes as base64), HTTP/1.1 with keep-alive, one connection per client in flight,
 * {@code Authorization: <token>} with {@code --user}, https with {@code --cacert}. A reply other than
 * 200 counts as an error.
 */
final class GatewayBench {
  private final Options o;
  private final Benchmark bench;

  GatewayBench(Options o, Benchmark bench) {
    this.o = o;
    this.bench = bench;
  }

  Report run() throws Exception {
    Connections tls = new Connections(null, o.endpoints, o.cacert);
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10));
    if (tls.sslContext() != null) b.sslContext(tls.sslContext());
    HttpClient http = b.build();
    String scheme = o.cacert != null ? "https://" : "http://";
    String[] bases = o.endpoints.stream().map(e -> scheme + e).toArray(String[]::new);
    String token = o.user == null ? null : authenticate(http, bases[0], o.user);
    ClosedLoop.Op send;
    if (o.command.equals("gateway-put")) {
      ByteString value = Benchmark.randomValue(o.valSize);
      Benchmark.Keys keys = new Benchmark.Keys(o, ByteString.EMPTY);
      send = (c, seq) -> post(http, bases[c % bases.length] + "/v3/kv/put", token,
          json(PutRequest.newBuilder().setKey(keys.key(seq)).setValue(value)));
    } else {
      RangeRequest.Builder r = RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(o.args.get(0)))
          .setSerializable(o.consistency.equals("s"));
      if (o.args.size() > 1) r.setRangeEnd(Benchmark.rangeEnd(o.args.get(1), o.args.get(0)));
      String body = json(r);
      send = (c, seq) -> post(http, bases[c % bases.length] + "/v3/kv/range", token, body);
    }
    // one request per client before the clock starts: the connections are open
    for (int c = 0; c < o.clients; c++) {
      send.send(c, 0).toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
    Report report = bench.measure(o.command, send);
    if (o.command.equals("gateway-range")) report.params.put("consistency", o.consistency);
    return report;
  }

  private static String authenticate(HttpClient http, String base, String user) throws Exception {
    int colon = user.indexOf(':');
    String body = json(AuthenticateRequest.newBuilder().setName(user.substring(0, colon))
        .setPassword(user.substring(colon + 1)));
    String answer = post(http, base + "/v3/auth/authenticate", null, body).toCompletableFuture().get(30,
        java.util.concurrent.TimeUnit.SECONDS);
    AuthenticateResponse.Builder r = AuthenticateResponse.newBuilder();
    JsonFormat.parser().ignoringUnknownFields().merge(answer, r);
    return r.getToken();
  }

  private static CompletionStage<String> post(HttpClient http, String url, String token, String body) {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) r.header("Authorization", token);
    return http.sendAsync(r.build(), HttpResponse.BodyHandlers.ofString()).thenCompose(response ->
        response.statusCode() == 200 ? CompletableFuture.completedFuture(response.body())
            : CompletableFuture.failedFuture(new IllegalStateException("HTTP " + response.statusCode() + ": "
                + response.body().substring(0, Math.min(80, response.body().length())))));
  }

  private static String json(MessageOrBuilder m) {
    try {
      return JsonFormat.printer().omittingInsignificantWhitespace().print(m);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
