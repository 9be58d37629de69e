package io.akkaetcd.config;

import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parsers that accept and reject values the way etcd's Go flags do, with Go's error texts: strconv's
 * base-0 integers and booleans, time.ParseDuration, and etcd's URL lists (net/url plus types.NewURLs).
 */
public final class GoValues {
  private GoValues() {}

  /** A value Go would reject; {@link #getMessage()} is the text Go's flag package would print after the colon. */
  static final class BadValue extends Exception {
    BadValue(String message) {
      super(message, null, false, false);
    }
  }

  static final String PARSE_ERROR = "parse error";
  static final String RANGE_ERROR = "value out of range";

  /** strconv.ParseBool. */
  static boolean parseBool(String s) throws BadValue {
    switch (s) {
      case "1": case "t": case "T": case "TRUE": case "true": case "True":
        return true;
      case "0": case "f": case "F": case "FALSE": case "false": case "False":
        return false;
      default:
        throw new BadValue(PARSE_ERROR);
    }
  }

  /**
   * strconv.ParseInt / ParseUint with base 0 ("0x1f", "0o17", "017", "0b101", "1_000"), limited to the
   * range of a Java long (and to non-negative values when {@code unsigned}).
   */
  static long parseInt(String s, boolean unsigned) throws BadValue {
    if (s.isEmpty()) throw new BadValue(PARSE_ERROR);
    boolean neg = false;
    String body = s;
    if (!unsigned && (body.charAt(0) == '+' || body.charAt(0) == '-')) {
      neg = body.charAt(0) == '-';
      body = body.substring(1);
    }
    if (body.isEmpty()) throw new BadValue(PARSE_ERROR);
    int base = 10;
    boolean prefixed = false;
    String lower = body.toLowerCase(Locale.ROOT);
    if (lower.startsWith("0x")) { base = 16; body = body.substring(2); prefixed = true; }
    else if (lower.startsWith("0b")) { base = 2; body = body.substring(2); prefixed = true; }
    else if (lower.startsWith("0o")) { base = 8; body = body.substring(2); prefixed = true; }
    else if (body.length() > 1 && body.charAt(0) == '0') { base = 8; body = body.substring(1); prefixed = true; }
    if (body.indexOf('_') >= 0) {
      // Go allows '_' only between digits (or right after a base prefix), never doubled or trailing.
      for (int i = 0; i < body.length(); i++) {
        if (body.charAt(i) != '_') continue;
        boolean prevOk = i == 0 ? prefixed : body.charAt(i - 1) != '_';
        boolean nextOk = i + 1 < body.length() && body.charAt(i + 1) != '_';
        if (!prevOk || !nextOk) throw new BadValue(PARSE_ERROR);
      }
      body = body.replace("_", "");
    }
    if (body.isEmpty()) throw new BadValue(PARSE_ERROR);
    for (int i = 0; i < body.length(); i++) {
      if (Character.digit(body.charAt(i), base) < 0 || body.charAt(i) > 'z') throw new BadValue(PARSE_ERROR);
    }
    BigInteger v = new BigInteger(body, base);
    if (neg) v = v.negate();
    if (v.bitLength() > 63) throw new BadValue(RANGE_ERROR);
    return v.longValue();
  }

  private static final Map<String, Double> UNITS = Map.of(
      "ns", 1d, "us", 1e3, "\u00b5s", 1e3, "\u03bcs", 1e3, "ms", 1e6, "s", 1e9, "m", 60e9, "h", 3600e9);

  /** time.ParseDuration as a Duration; a bad value is an IllegalArgumentException with Go's message. */
  public static java.time.Duration goDuration(String s) {
    try {
      return java.time.Duration.ofNanos(parseDuration(s));
    } catch (BadValue e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  /** time.ParseDuration; returns nanoseconds. Messages are Go 1.19's ("time: invalid duration \"abc\""). */
  static long parseDuration(String orig) throws BadValue {
    String s = orig;
    String quoted = quote(orig);
    boolean neg = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      neg = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) return 0;
    if (s.isEmpty()) throw new BadValue("time: invalid duration " + quoted);
    double total = 0;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (!(c == '.' || (c >= '0' && c <= '9'))) throw new BadValue("time: invalid duration " + quoted);
      int start = i;
      while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) i++;
      boolean pre = i > start;
      String intPart = s.substring(start, i);
      String frac = "";
      boolean post = false;
      if (i < s.length() && s.charAt(i) == '.') {
        i++;
        int fs = i;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) i++;
        frac = s.substring(fs, i);
        post = i > fs;
      }
      if (!pre && !post) throw new BadValue("time: invalid duration " + quoted);
      int us = i;
      while (i < s.length() && s.charAt(i) != '.' && !(s.charAt(i) >= '0' && s.charAt(i) <= '9')) i++;
      if (us == i) throw new BadValue("time: missing unit in duration " + quoted);
      String unit = s.substring(us, i);
      Double scale = UNITS.get(unit);
      if (scale == null) throw new BadValue("time: unknown unit " + quote(unit) + " in duration " + quoted);
      double v = Double.parseDouble((intPart.isEmpty() ? "0" : intPart) + (frac.isEmpty() ? "" : "." + frac));
      total += v * scale;
      if (total > (double) Long.MAX_VALUE) throw new BadValue("time: invalid duration " + quoted);
    }
    return (long) (neg ? -total : total);
  }

  /** Go's %q for the plain strings flags carry. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': b.append("\\\""); break;
        case '\\': b.append("\\\\"); break;
        case '\n': b.append("\\n"); break;
        case '\t': b.append("\\t"); break;
        case '\r': b.append("\\r"); break;
        default:
          if (c < 0x20 || c == 0x7f) b.append(String.format("\\x%02x", (int) c));
          else b.append(c);
      }
    }
    return b.append('"').toString();
  }

  /**
   * etcd's types.NewURLs over a comma-separated list: each item trimmed, parsed as Go's url.Parse would,
   * scheme http/https/unix/unixs, host of the form host:port, no path. Order is kept. An entirely empty
   * string is an empty list (etcd accepts {@code --listen-client-urls=}).
   */
  static List<URI> parseUrls(String list) throws BadValue {
    List<URI> out = new ArrayList<>();
    if (list.isEmpty()) return out;
    for (String item : list.split(",", -1)) {
      out.add(parseUrl(item.trim()));
    }
    return out;
  }

  static URI parseUrl(String s) throws BadValue {
    GoUrl u = goParse(s);
    String scheme = u.scheme;
    if (!(scheme.equals("http") || scheme.equals("https") || scheme.equals("unix") || scheme.equals("unixs"))) {
      throw new BadValue("URL scheme must be http, https, unix, or unixs: " + s);
    }
    if (!splitHostPortOk(u.host)) {
      throw new BadValue("URL address does not have the form \"host:port\": " + s);
    }
    if (!u.path.isEmpty()) {
      throw new BadValue("URL must not contain a path: " + s);
    }
    try {
      // Go lower-cases the scheme; keep the rest as written.
      return new URI(scheme + s.substring(u.schemeLength));
    } catch (URISyntaxException e) {
      throw new BadValue("parse " + quote(s) + ": " + e.getReason());
    }
  }

  private record GoUrl(String scheme, int schemeLength, String host, String path) {}

  /** The subset of Go's net/url.Parse that decides whether and how etcd's URL flags fail. */
  private static GoUrl goParse(String raw) throws BadValue {
    String prefix = "parse " + quote(raw) + ": ";
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c < 0x20 || c == 0x7f) throw new BadValue(prefix + "net/url: invalid control character in URL");
    }
    String s = raw;
    int hash = s.indexOf('#');
    if (hash >= 0) s = s.substring(0, hash);
    String scheme = "";
    int schemeLen = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) continue;
      if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
        if (i == 0) break;
        continue;
      }
      if (c == ':') {
        if (i == 0) throw new BadValue(prefix + "missing protocol scheme");
        scheme = s.substring(0, i).toLowerCase(Locale.ROOT);
        schemeLen = i;
        s = s.substring(i + 1);
      }
      break;
    }
    int q = s.indexOf('?');
    if (q >= 0) s = s.substring(0, q);
    if (scheme.isEmpty() && !s.startsWith("/")) {
      int slash = s.indexOf('/');
      String seg = slash < 0 ? s : s.substring(0, slash);
      if (seg.indexOf(':') >= 0) throw new BadValue(prefix + "first path segment in URL cannot contain colon");
    }
    if (!scheme.isEmpty() && !s.startsWith("/")) {
      return new GoUrl(scheme, schemeLen, "", ""); // opaque, e.g. "http:foo"
    }
    String host = "";
    String path = s;
    if (s.startsWith("//") && !s.startsWith("///")) {
      String rest = s.substring(2);
      int slash = rest.indexOf('/');
      String authority = slash < 0 ? rest : rest.substring(0, slash);
      path = slash < 0 ? "" : rest.substring(slash);
      int at = authority.lastIndexOf('@');
      host = at < 0 ? authority : authority.substring(at + 1);
      if (host.startsWith("[")) {
        int close = host.lastIndexOf(']');
        if (close < 0) throw new BadValue(prefix + "missing ']' in host");
        String port = host.substring(close + 1);
        if (!validOptionalPort(port)) throw new BadValue(prefix + "invalid port " + quote(port) + " after host");
      } else {
        int colon = host.lastIndexOf(':');
        if (colon >= 0) {
          String port = host.substring(colon);
          if (!validOptionalPort(port)) throw new BadValue(prefix + "invalid port " + quote(port) + " after host");
        }
      }
    }
    return new GoUrl(scheme, schemeLen, host, path);
  }

  private static boolean validOptionalPort(String port) {
    if (port.isEmpty()) return true;
    if (port.charAt(0) != ':') return false;
    for (int i = 1; i < port.length(); i++) {
      if (port.charAt(i) < '0' || port.charAt(i) > '9') return false;
    }
    return true;
  }

  /** Whether Go's net.SplitHostPort accepts the host. */
  private static boolean splitHostPortOk(String hostport) {
    if (hostport.startsWith("[")) {
      int close = hostport.indexOf(']');
      if (close < 0) return false;
      if (close + 1 >= hostport.length() || hostport.charAt(close + 1) != ':') return false;
      return hostport.indexOf(':', close + 2) < 0 && hostport.indexOf('[', 1) < 0;
    }
    int colon = hostport.lastIndexOf(':');
    if (colon < 0) return false;
    String h = hostport.substring(0, colon);
    return h.indexOf(':') < 0 && h.indexOf('[') < 0 && h.indexOf(']') < 0;
  }
}
