package io.akkaetcd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * etcd's TestCtlV3Alarm with etcdctl, against real etcd 3.4 and this member, both with a quota of 13
 * pages: a put past the quota raises NOSPACE, /health turns false, writes are refused until history
 * is compacted, the member defragmented and the alarm disarmed. What etcdctl and /health print must
 * be identical once IDs, ports and revisions are masked; how many puts fit may differ (this member
 * estimates etcd's file size, see StoreState). On this member the alarm also survives a restart.
 */
class EtcdctlAlarmTest {
  static final int QUOTA = 13 * 4096;
  static final String SMALL = "a".repeat(64);
  static final String PAGE = "b".repeat(4096);

  interface Member {
    String endpoint();

    void afterAlarm() throws Exception;
  }

  @Test
  void noSpaceAlarmAsRealEtcdRaisesAndClearsIt() throws Exception {
    String expected;
    try (RealEtcd etcd = RealEtcd.start("--quota-backend-bytes=" + QUOTA)) {
      expected = scenario(new Member() {
        public String endpoint() {
          return etcd.endpoint();
        }

        public void afterAlarm() {}
      });
    }
    try (TestMember ours = TestMember.start(Map.of("akka-etcd.quota-backend-bytes", QUOTA))) {
      String actual = scenario(new Member() {
        public String endpoint() {
          return ours.endpoint();
        }

        public void afterAlarm() throws Exception {
          ours.restart(); // the alarm is replicated state: it comes back with the store
        }
      });
      assertEquals(expected, actual);
    }
  }

  private static String scenario(Member m) throws Exception {
    StringBuilder out = new StringBuilder();
    out.append(step(m, "put", "1st_test", SMALL));
    int fitted = 0;
    Etcdctl.Result put;
    while ((put = Etcdctl.run(m.endpoint(), null, "put", "2nd_test", PAGE)).exitCode() == 0) {
      assertTrue(++fitted < 50, "the quota never ran out");
    }
    out.append("put 2nd_test until refused: ").append(mask(put)).append('\n');
    out.append(step(m, "alarm", "list"));
    out.append("health: ").append(health(m.endpoint())).append('\n');
    m.afterAlarm();
    out.append(step(m, "alarm", "list"));
    out.append(step(m, "put", "3rd_test", SMALL));
    String status = Etcdctl.run(m.endpoint(), null, "endpoint", "status", "-w", "json").stdout();
    Matcher errors = Pattern.compile("\"errors\":\\[[^]]*]").matcher(status);
    out.append("status ").append(errors.find() ? errors.group().replaceAll("memberID:\\d+", "memberID:ID") : "")
        .append('\n');
    Matcher rev = Pattern.compile("\"revision\":(\\d+)").matcher(status);
    assertTrue(rev.find(), status);
    out.append("compact REV --physical: ").append(mask(Etcdctl.run(m.endpoint(), null, "compact", rev.group(1),
        "--physical"))).append('\n');
    out.append(step(m, "defrag"));
    out.append(step(m, "alarm", "disarm"));
    out.append(step(m, "alarm", "list"));
    out.append(step(m, "put", "4th_test", SMALL));
    out.append("health: ").append(health(m.endpoint())).append('\n');
    return out.toString();
  }

  private static String step(Member m, String... args) {
    return String.join(" ", args).replace(SMALL, "SMALL") + ": " + mask(Etcdctl.run(m.endpoint(), null, args)) + "\n";
  }

  private static String mask(Etcdctl.Result r) {
    return EtcdctlParityTest.render(r, 0)
        .replaceAll("memberID:\\d+", "memberID:ID")
        .replaceAll("compacted revision \\d+", "compacted revision N")
        .replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:PORT");
  }

  private static String health(String endpoint) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(endpoint + "/health")).build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }
}
