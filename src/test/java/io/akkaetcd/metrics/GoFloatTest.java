package io.akkaetcd.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoFloatTest {

  // value | strconv.FormatFloat(value, 'g', -1, 64), as Go 1.19 prints it
  @ParameterizedTest
  @CsvSource({"1, 1", "0, 0", "2, 2", "0.0135, 0.0135", "123456, 123456", "1000000, 1e+06",
      "2147483648, 2.147483648e+09", "0.0001, 0.0001", "0.00001, 1e-05", "-3.5, -3.5", "0.001, 0.001",
      "8.192, 8.192", "16483, 16483", "1.5e300, 1.5e+300"})
  void formatsAsGo(double value, String go) {
    assertEquals(go, GoFloat.format(value));
  }

  @org.junit.jupiter.api.Test
  void rewritesOnlySampleValues() {
    assertEquals("# TYPE x gauge\nx{le=\"0.001\"} 2\nx_sum 0.0135\ny{le=\"+Inf\"} 3\n",
        GoFloat.rewriteSamples("# TYPE x gauge\nx{le=\"0.001\"} 2.0\nx_sum 0.0135\ny{le=\"+Inf\"} 3.0\n"));
  }
}
