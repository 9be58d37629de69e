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
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestFactory;

/**
 * The same HTTP/JSON requests, in the same order, against real etcd 3.4's grpc-gateway and against this
 * member's: status codes and JSON bodies must be identical once IDs, terms, the version and the db size
 * (a bolt file against a LevelDB estimate) are masked. Covers the mapping (base64 bytes, 64-bit integers
 * as strings, enums by name, defaults left out), the /v3beta/ prefix, streams answered one JSON object a
 * line, and grpc-gateway's answers to bad input: malformed JSON, bad base64, an unknown path, a wrong
 * method, a missing key, a future revision.
 */
class GatewayParityTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  @RegisterExtension
  static final SideBySideExtension pair = new SideBySideExtension(Map.of());

  record Call(String method, String path, String body) {
    static Call post(String path, String body) {
      return new Call("POST", path, body);
    }

    @Override
    public String toString() {
      return method + " " + path + " " + body;
    }
  }

  static final List<Call> CALLS = List.of(
      Call.post("/v3/kv/put", "{\"key\":\"Zm9v\",\"value\":\"YmFy\"}"),
      Call.post("/v3/kv/put", "{\"key\":\"Zm9v\",\"value\":\"YmF6\",\"prev_kv\":true}"),
      Call.post("/v3/kv/range", "{\"key\":\"Zm9v\"}"),
      Call.post("/v3beta/kv/range", "{\"key\":\"Zm9v\",\"keys_only\":true}"),
      Call.post("/v3/kv/put", "{\"key\":\"Zm9vMQ==\",\"value\":\"MQ==\"}"),
      Call.post("/v3/kv/range", "{\"key\":\"Zm9v\",\"range_end\":\"Zm9w\",\"sort_order\":\"DESCEND\","
          + "\"sort_target\":\"KEY\",\"limit\":1}"),
      Call.post("/v3/kv/range", "{\"key\":\"Zm9v\",\"range_end\":\"Zm9w\",\"count_only\":true}"),
      Call.post("/v3/kv/txn", "{\"compare\":[{\"result\":\"EQUAL\",\"target\":\"CREATE\",\"key\":\"dHhu\","
          + "\"create_revision\":\"0\"}],\"success\":[{\"request_put\":{\"key\":\"dHhu\",\"value\":\"eA==\"}}],"
          + "\"failure\":[{\"request_range\":{\"key\":\"dHhu\"}}]}"),
      Call.post("/v3/kv/txn", "{\"compare\":[{\"result\":0,\"target\":1,\"key\":\"dHhu\",\"create_revision\":0}],"
          + "\"success\":[{\"request_put\":{\"key\":\"dHhu\",\"value\":\"eQ==\"}}],"
          + "\"failure\":[{\"request_range\":{\"key\":\"dHhu\"}}]}"),
      Call.post("/v3/kv/deleterange", "{\"key\":\"Zm9vMQ==\",\"prev_kv\":true}"),
      Call.post("/v3/kv/range", "{\"key\":\"Zm9v\",\"revision\":\"100\"}"),
      Call.post("/v3/kv/put", "{\"key\":\"\"}"),
      Call.post("/v3/kv/range", "{\"key\":"),
      Call.post("/v3/kv/compaction", "{\"revision\":\"3\"}"),
      Call.post("/v3/kv/range", "{\"key\":\"Zm9v\",\"revision\":\"2\"}"),
      Call.post("/v3/kv/nope", "{}"),
      new Call("GET", "/v3/kv/range", null),
      Call.post("/v3/lease/timetolive", "{\"ID\":\"7\"}"),
      Call.post("/v3/lease/keepalive", "{\"ID\":\"7\"}"),
      Call.post("/v3/kv/lease/leases", "{}"),
      // from before the compaction: canceled with the compact revision; from after it: foo1's put and delete
      Call.post("/v3/watch", "{\"create_request\":{\"key\":\"Zm9v\",\"start_revision\":\"2\"}}"),
      Call.post("/v3/watch", "{\"create_request\":{\"key\":\"Zm9v\",\"range_end\":\"Zm9w\","
          + "\"start_revision\":\"4\"}}"),
      Call.post("/v3/cluster/member/list", "{}"),
      Call.post("/v3/maintenance/status", "{}"),
      Call.post("/v3/election/proclaim", "{\"value\":\"djI=\"}"),
      Call.post("/v3/election/resign", "{}"));

  @TestFactory
  Stream<DynamicTest> gatewayAnswersAsRealEtcdDoes() {
    return CALLS.stream().map(call -> DynamicTest.dynamicTest(call.toString(), () ->
        assertEquals(send(pair.etcd().endpoint(), call), send(pair.ours().endpoint(), call), call.toString())));
  }

  /**
   * Status and body with what legitimately differs masked. A watch never ends by itself: its stream is
   * read until it holds the created response and the one event these calls expect.
   */
  static String send(String endpoint, Call call) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint + call.path()))
        .timeout(Duration.ofSeconds(10));
    request = call.body() == null ? request.method(call.method(), HttpRequest.BodyPublishers.noBody())
        : request.method(call.method(), HttpRequest.BodyPublishers.ofString(call.body()));
    String body;
    int status;
    if (call.path().endsWith("/watch")) {
      HttpResponse<Stream<String>> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines());
      status = response.statusCode();
      // The stream stays open: read two lines, bounded in time so that a missing line fails, not hangs.
      try (Stream<String> lines = response.body()) {
        body = CompletableFuture.supplyAsync(() -> String.join("\n", lines.limit(2).toList()))
            .get(15, TimeUnit.SECONDS);
      }
    } else {
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      status = response.statusCode();
      body = response.body();
    }
    return mask(status + " " + body);
  }

  /** What legitimately differs between two members' answers: IDs, terms, log indexes, versions, sizes, URLs. */
  static String mask(String answer) {
    return answer
        .replaceAll("\"(cluster_id|member_id|leader|ID)\":\"\\d+\"", "\"$1\":\"ID\"")
        .replaceAll("\"raft_term\":\"\\d+\"", "\"raft_term\":\"T\"")
        // the log's length differs (etcd 3.4 proposes its cluster version at start), so do its indexes
        .replaceAll("\"(raftTerm|raftIndex|raftAppliedIndex|version|dbSize|dbSizeInUse)\":\"[^\"]+\"",
            "\"$1\":\"X\"")
        .replaceAll("(\"peerURLs\":\\[\")[^\"]+", "$1URL")
        .replaceAll("(\"clientURLs\":\\[\")[^\"]+", "$1URL")
        // the grpc-gateway of etcd 3.4 leaks a trailer line after some error bodies
        .replace("Grpc-Trailer-Content-Type: application/grpc\r\n", "")
        .strip();
  }
}
