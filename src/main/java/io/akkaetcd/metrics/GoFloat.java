package io.akkaetcd.metrics;

import java.math.BigDecimal;

/**
 * A sample value as client_golang writes it: strconv.FormatFloat(v, 'g', -1, 64), the shortest digits
 * that read back as v, in exponent form from 1e+06 up or below 1e-04 ("1", "0.0135", "2.147483648e+09").
 * The Java client writes Double.toString ("1.0"); both parse the same, but tools and etcd's own tests
 * match the text ({@code etcd_server_version{...} 1}).
 */
final class GoFloat {
  private GoFloat() {}

  static String format(double v) {
    if (Double.isNaN(v)) return "NaN";
    if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
    if (v == 0) return (1 / v < 0) ? "-0" : "0";
    BigDecimal shortest = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
    String digits = shortest.unscaledValue().toString();
    int exp = digits.length() - 1 - shortest.scale();  // decimal exponent of the first digit
    String sign = v < 0 ? "-" : "";
    if (exp < -4 || exp >= 6) {
      String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }
    return sign + shortest.toPlainString();
  }

  /** The exposition with every sample's value rewritten in Go's form; comments and labels untouched. */
  static String rewriteSamples(String exposition) {
    StringBuilder out = new StringBuilder(exposition.length());
    for (String line : exposition.split("\n", -1)) {
      int space = line.lastIndexOf(' ');
      if (line.isEmpty() || line.startsWith("#") || space < 0) {
        out.append(line).append('\n');
        continue;
      }
      String value = line.substring(space + 1);
      try {
        out.append(line, 0, space + 1).append(format(Double.parseDouble(value))).append('\n');
      } catch (NumberFormatException e) {
        out.append(line).append('\n');  // +Inf and friends are already as Go writes them
      }
    }
    return out.substring(0, Math.max(0, out.length() - 1));
  }
}
