package io.akkaetcd.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * etcd 3.4's {@code --config-file}: the YAML of {@code etcd.conf.yml.sample}, read as embed.ConfigFromFile
 * reads it (sigs.k8s.io/yaml: YAML to JSON, then Go's encoding/json into embed.configYAML and
 * etcdmain.configProxy) and mapped onto the same {@code akka-etcd.<flag>} keys the flags set.
 *
 * <p>What follows from Go's decoding, and is kept: unknown keys are ignored, a {@code null} value leaves
 * the default, any scalar goes into a string field as text, a value of the wrong JSON type is refused with
 * encoding/json's message, durations are integers in nanoseconds (a {@code "5s"} string is refused, as in
 * etcd 3.4), and list fields take YAML lists only. Security settings sit under
 * {@code client-transport-security} and {@code peer-transport-security}. Defaults for what the file leaves
 * out are embed.NewConfig's, which differ from the flags' in two places: {@code initial-cluster} stays
 * {@code default=http://localhost:2380} whatever the name (unless a discovery key is set), and
 * {@code logger} is {@code capnslog}.
 */
public final class EtcdConfigFile {
  private EtcdConfigFile() {}

  /** Go's types of the fields, as encoding/json names them in its errors. */
  private enum GoType {
    STRING("string"), BOOL("bool"), UINT("uint"), UINT32("uint32"), UINT64("uint64"), INT("int"),
    INT64("int64"), DURATION("time.Duration"), STRINGS("[]string");

    final String goName;

    GoType(String goName) {
      this.goName = goName;
    }
  }

  /** YAML key → Go type; the key is also the flag name unless {@link #RENAMED} says otherwise. */
  private static final Map<String, GoType> TOP = new LinkedHashMap<>();
  /** Keys of securityConfig, under client-transport-security and peer-transport-security. */
  private static final Map<String, GoType> SECURITY = new LinkedHashMap<>();
  /** YAML keys that set a flag of another name. */
  private static final Map<String, String> RENAMED = Map.of("log-output", "log-outputs");

  private static void field(GoType t, String... keys) {
    for (String k : keys) TOP.put(k, t);
  }

  static {
    field(GoType.STRING, "name", "data-dir", "wal-dir", "initial-cluster-state", "discovery-srv",
        "discovery-srv-name", "discovery-proxy", "discovery", "initial-cluster", "initial-cluster-token",
        "auto-compaction-mode", "auto-compaction-retention", "auth-token", "experimental-enable-v2v3",
        "experimental-backend-bbolt-freelist-type", "metrics", "listen-metrics-urls", "logger", "log-level",
        "log-package-levels", "listen-peer-urls", "listen-client-urls", "initial-advertise-peer-urls",
        "advertise-client-urls", "cors", "host-whitelist", "proxy", "discovery-fallback");
    field(GoType.UINT64, "snapshot-count");
    field(GoType.UINT, "max-snapshots", "max-wals", "heartbeat-interval", "election-timeout", "max-txn-ops",
        "max-request-bytes", "bcrypt-cost", "auth-token-ttl", "proxy-failure-wait", "proxy-refresh-interval",
        "proxy-dial-timeout", "proxy-write-timeout", "proxy-read-timeout");
    field(GoType.UINT32, "max-concurrent-streams");
    field(GoType.INT, "backend-batch-limit", "experimental-compaction-batch-limit");
    field(GoType.INT64, "quota-backend-bytes");
    field(GoType.BOOL, "initial-election-tick-advance", "strict-reconfig-check", "enable-v2", "pre-vote",
        "experimental-initial-corrupt-check", "experimental-enable-lease-checkpoint",
        "experimental-enable-lease-checkpoint-persist", "force-new-cluster", "enable-pprof",
        "enable-grpc-gateway", "debug", "unsafe-no-fsync");
    field(GoType.DURATION, "backend-batch-interval", "grpc-keepalive-min-time", "grpc-keepalive-interval",
        "grpc-keepalive-timeout", "experimental-corrupt-check-time", "experimental-watch-progress-notify-interval",
        "experimental-warning-apply-duration");
    field(GoType.STRINGS, "cipher-suites", "log-outputs", "log-output");
    SECURITY.put("cert-file", GoType.STRING);
    SECURITY.put("key-file", GoType.STRING);
    SECURITY.put("client-cert-auth", GoType.BOOL);
    SECURITY.put("trusted-ca-file", GoType.STRING);
    SECURITY.put("auto-tls", GoType.BOOL);
  }

  /** A field etcd 3.4 reads from the file that is not one of its flags: it must be unset or as etcd's default. */
  private static final Map<String, Object> NOT_A_FLAG = Map.of(
      "enable-grpc-gateway", Boolean.TRUE, "experimental-enable-lease-checkpoint-persist", Boolean.FALSE);

  /** The URL fields embed.configFromFile parses itself, with the name its message gives each. */
  private static final Map<String, String> URL_FIELDS = Map.of(
      "listen-peer-urls", "listen-peer-urls", "listen-client-urls", "listen-client-urls",
      "initial-advertise-peer-urls", "initial-advertise-peer-urls",
      // etcd 3.4's message names advertise-client-urls so
      "advertise-client-urls", "advertise-peer-urls", "listen-metrics-urls", "listen-metrics-urls");

  /** A file etcd would refuse: {@link #message} is what etcd prints, {@link #verifying} whether in its "error verifying flags" form. */
  public static final class Refused extends Exception {
    final boolean verifying;

    Refused(String message, boolean verifying) {
      super(message, null, false, false);
      this.verifying = verifying;
    }
  }

  /** Reads {@code path}: the {@code akka-etcd.*} values it sets, flags' value forms (strings, booleans). */
  public static Map<String, Object> read(Path path) throws Refused {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new Refused("open " + path + ": no such file or directory", true);
    } catch (AccessDeniedException e) {
      throw new Refused("open " + path + ": permission denied", true);
    } catch (IOException e) {
      throw new Refused((Files.isDirectory(path) ? "read " + path + ": is a directory" : "read " + path + ": " + e.getMessage()), true);
    }
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(bytes);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw new Refused("error converting YAML to JSON: yaml: line " + line + ": " + e.getOriginalMessage(), true);
    } catch (IOException e) {
      throw new Refused("error converting YAML to JSON: yaml: " + e.getMessage(), true);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    // embed.NewConfig's defaults where they differ from the flags'
    out.put(EtcdFlags.KEY_PREFIX + "initial-cluster", "default=http://localhost:2380");
    out.put(EtcdFlags.KEY_PREFIX + "logger", "capnslog");
    if (root == null || root.isMissingNode() || root.isNull()) return out;
    if (!root.isObject()) {
      throw new Refused(unmarshal("cannot unmarshal " + jsonKind(root) + " into Go value of type embed.configYAML"), true);
    }
    boolean initialClusterSet = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode v = e.getValue();
      if (key.equals("client-transport-security") || key.equals("peer-transport-security")) {
        readSecurity(key, v, key.startsWith("peer") ? "peer-" : "", out);
        continue;
      }
      GoType t = TOP.get(key);
      if (t == null || v.isNull()) continue;
      Object value = decode("configYAML." + key, t, v);
      if (NOT_A_FLAG.containsKey(key)) {
        if (!value.equals(NOT_A_FLAG.get(key))) {
          throw new Refused(key + " is set to " + value + ", which akka-etcd does not serve", true);
        }
        continue;
      }
      if (URL_FIELDS.containsKey(key) && !((String) value).isEmpty()) {
        try {
          GoValues.parseUrls((String) value);
        } catch (GoValues.BadValue bad) {
          throw new Refused("unexpected error setting up " + URL_FIELDS.get(key) + ": " + bad.getMessage(), false);
        }
      }
      if (key.equals("initial-cluster")) initialClusterSet = true;
      out.put(EtcdFlags.KEY_PREFIX + RENAMED.getOrDefault(key, key), value);
    }
    // "If a discovery flag is set, clear default initial cluster set by InitialClusterFromName"
    boolean discovery = !out.getOrDefault(EtcdFlags.KEY_PREFIX + "discovery", "").equals("")
        || !out.getOrDefault(EtcdFlags.KEY_PREFIX + "discovery-srv", "").equals("");
    if (discovery && !initialClusterSet) out.put(EtcdFlags.KEY_PREFIX + "initial-cluster", "");
    Object state = out.get(EtcdFlags.KEY_PREFIX + "initial-cluster-state");
    if (state == null || state.equals("")) {
      out.put(EtcdFlags.KEY_PREFIX + "initial-cluster-state", "new");
    } else if (!state.equals("new") && !state.equals("existing")) {
      throw new Refused("unexpected clusterState " + GoValues.quote(state.toString()), true);
    }
    return out;
  }

  private static void readSecurity(String section, JsonNode v, String flagPrefix, Map<String, Object> out) throws Refused {
    if (v.isNull()) return;
    if (!v.isObject()) {
      throw new Refused(unmarshal("cannot unmarshal " + jsonKind(v) + " into Go struct field configYAML."
          + section + " of type embed.securityConfig"), true);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      GoType t = SECURITY.get(e.getKey());
      if (t == null || e.getValue().isNull()) continue;
      Object value = decode("securityConfig." + section + "." + e.getKey(), t, e.getValue());
      out.put(EtcdFlags.KEY_PREFIX + flagPrefix + e.getKey(), value);
    }
  }

  /** encoding/json's decoding of one field, after sigs.k8s.io/yaml turned scalars into strings for string fields. */
  private static Object decode(String field, GoType t, JsonNode v) throws Refused {
    String where = " into Go struct field " + field + " of type " + t.goName;
    switch (t) {
      case STRING:
        if (!v.isValueNode()) throw new Refused(unmarshal("cannot unmarshal " + jsonKind(v) + where), true);
        return v.asText();
      case BOOL:
        if (!v.isBoolean()) throw new Refused(unmarshal("cannot unmarshal " + jsonKind(v) + where), true);
        return v.booleanValue();
      case STRINGS: {
        if (!v.isArray()) throw new Refused(unmarshal("cannot unmarshal " + jsonKind(v) + where), true);
        List<String> items = new ArrayList<>();
        for (JsonNode item : v) {
          if (!item.isValueNode() || item.isNull()) {
            throw new Refused(unmarshal("cannot unmarshal " + jsonKind(item) + " into Go struct field " + field + " of type string"), true);
          }
          items.add(item.asText());
        }
        return String.join(",", items);
      }
      default: {
        if (!v.isNumber()) throw new Refused(unmarshal("cannot unmarshal " + jsonKind(v) + where), true);
        String text = v.asText();
        BigInteger n;
        if (!v.isIntegralNumber()) {
          throw new Refused(unmarshal("cannot unmarshal number " + goNumber(v) + where), true);
        }
        n = v.bigIntegerValue();
        BigInteger min = BigInteger.ZERO;
        BigInteger max = switch (t) {
          case UINT, UINT64 -> BigInteger.TWO.pow(64).subtract(BigInteger.ONE);
          case UINT32 -> BigInteger.TWO.pow(32).subtract(BigInteger.ONE);
          default -> BigInteger.valueOf(Long.MAX_VALUE);
        };
        if (t == GoType.INT || t == GoType.INT64 || t == GoType.DURATION) min = BigInteger.valueOf(Long.MIN_VALUE);
        if (n.compareTo(min) < 0 || n.compareTo(max) > 0) {
          throw new Refused(unmarshal("cannot unmarshal number " + text + where), true);
        }
        return t == GoType.DURATION ? n + "ns" : n.toString();
      }
    }
  }

  private static String goNumber(JsonNode v) {
    String s = v.asText();
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }

  private static String unmarshal(String what) {
    return "error unmarshaling JSON: while decoding JSON: json: " + what;
  }

  /** The JSON kind encoding/json names in "cannot unmarshal KIND into ...". */
  private static String jsonKind(JsonNode v) {
    if (v.isObject()) return "object";
    if (v.isArray()) return "array";
    if (v.isBoolean()) return "bool";
    if (v.isNumber()) return "number";
    return "string";
  }
}
