package io.akkaetcd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {

  @Test
  void defaultsFollowEtcdsBenchmark() {
    Options o = Options.parse("put");
    assertEquals("put", o.command);
    assertEquals(List.of("127.0.0.1:2379"), o.endpoints);
    assertEquals(1, o.conns);
    assertEquals(1, o.clients);
    assertEquals(10000, o.totalOr(10000));
    assertEquals(8, o.keySize);
    assertEquals(8, o.valSize);
    assertEquals(1, o.keySpaceSize);
    assertFalse(o.sequentialKeys);
    assertEquals("l", o.consistency);
    assertEquals(2.0, o.warmupSec);
  }

  @Test
  void flagsBeforeAndAfterTheCommandInBothForms() {
    Options o = Options.parse("--endpoints=http://127.0.0.1:2379,10.0.0.2:2381", "--conns", "4", "put",
        "--clients=100", "--total", "20000", "--val-size", "256", "--key-space-size=1000", "--sequential-keys");
    assertEquals(List.of("127.0.0.1:2379", "10.0.0.2:2381"), o.endpoints);
    assertEquals(4, o.conns);
    assertEquals(100, o.clients);
    assertEquals(20000, o.total);
    assertEquals(256, o.valSize);
    assertEquals(1000, o.keySpaceSize);
    assertTrue(o.sequentialKeys);
  }

  @Test
  void rangeTakesKeyAndOptionalEnd() {
    Options o = Options.parse("range", "foo", "--consistency", "s", "--target-leader");
    assertEquals(List.of("foo"), o.args);
    assertEquals("s", o.consistency);
    assertTrue(o.targetLeader);
    assertEquals(List.of("a", "b"), Options.parse("range", "a", "b").args);
    assertThrows(IllegalArgumentException.class, () -> Options.parse("range"));
    assertThrows(IllegalArgumentException.class, () -> Options.parse("range", "a", "b", "c"));
    assertThrows(IllegalArgumentException.class, () -> Options.parse("range", "a", "--consistency", "x"));
  }

  @Test
  void booleansTakeExplicitValues() {
    assertFalse(Options.parse("put", "--sequential-keys=false").sequentialKeys);
    assertTrue(Options.parse("put", "--json").json);
    assertThrows(IllegalArgumentException.class, () -> Options.parse("put", "--json=maybe"));
  }

  @Test
  void durationAndWarmup() {
    assertEquals(10.0, Options.parse("put", "--duration", "10").durationSec);
    assertEquals(1.5, Options.parse("put", "--duration=1.5s").durationSec);
    assertEquals(0.5, Options.parse("put", "--duration=500ms").durationSec);
    assertEquals(120.0, Options.parse("put", "--duration=2m").durationSec);
    Options w = Options.parse("put", "--warmup", "5000");
    assertEquals(5000, w.warmupCount);
    assertEquals(0.0, w.warmupSec);
    Options c = Options.parse("put", "--warmup=0");
    assertEquals(0, c.warmupCount);
    assertEquals(0.0, c.warmupSec);
    assertEquals(3.0, Options.parse("put", "--warmup=3s").warmupSec);
    assertThrows(IllegalArgumentException.class, () -> Options.parse("put", "--duration", "soon"));
  }

  @Test
  void watchFlags() {
    Options o = Options.parse("watch", "--watchers", "5", "--streams", "10", "--put-total", "50");
    assertEquals(5, o.watchers);
    assertEquals(5, o.streams); // never more streams than watchers
    assertEquals(50, o.putTotal);
  }

  @Test
  void mistakesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Options.parse());
    assertThrows(IllegalArgumentException.class, () -> Options.parse("get"));
    assertThrows(IllegalArgumentException.class, () -> Options.parse("put", "--nope", "1"));
    assertEquals("unknown flag: --nope",
        assertThrows(IllegalArgumentException.class, () -> Options.parse("put", "--nope")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Options.parse("put", "--clients"));
    assertThrows(IllegalArgumentException.class, () -> Options.parse("put", "--clients", "0"));
    assertThrows(IllegalArgumentException.class, () -> Options.parse("put", "--total", "-1"));
    assertThrows(IllegalArgumentException.class, () -> Options.parse("put", "extra"));
    assertThrows(IllegalArgumentException.class, () -> Options.parse("put", "--endpoints", "https://h:1"));
    assertEquals(List.of("h:1"), Options.parse("put", "--endpoints", "https://h:1", "--cacert", "ca.pem").endpoints);
    assertTrue(Options.parse("--help").help);
  }

  @Test
  void endpoints() {
    assertEquals(List.of("h:2379"), Options.parseEndpoints("http://h"));
    assertEquals(List.of("[::1]:23"), Options.parseEndpoints("[::1]:23"));
    assertEquals("::1", Options.hostPort("[::1]:23")[0]);
    assertEquals(List.of("a:1", "b:2"), Options.parseEndpoints(" a:1 , http://b:2/ "));
  }
}
