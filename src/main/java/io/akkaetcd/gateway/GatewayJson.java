package io.akkaetcd.gateway;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.akkaetcd.grpc.GrpcStatus;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * grpc-gateway's JSON mapping as etcd configures it (runtime.JSONPb{OrigName: true}): proto field
 * names, 64-bit integers as strings, bytes as base64, enums by name, default values left out, no
 * whitespace. Requests may use proto or JSON (lowerCamel) names and numeric enums; unknown fields are
 * ignored (grpc-gateway decodes with AllowUnknownFields).
 */
final class GatewayJson {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private GatewayJson() {}

  /** JsonFormat's \u003d or \u0027 (Gson's HTML-safe escapes) not preceded by an escaped backslash. */
  private static final java.util.regex.Pattern GSON_ONLY_ESCAPES =
      java.util.regex.Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u00(3d|27)");

  static String print(Message message) {
    try {
      String json = PRINTER.print(message);
      // Go's encoding/json escapes <, > and & as JsonFormat does, but writes = and ' as they are
      return json.indexOf("\\u00") < 0 ? json : GSON_ONLY_ESCAPES.matcher(json)
          .replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
          m.group(1) + (m.group(2).equals("3d") ? "=" : "'")));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getDescriptorForType().getFullName(), e);
    }
  }

  /**
   * The request messages a body holds: a stream of JSON objects, one after another, as Go's
   * json.Decoder reads them for a streaming call. An empty body is one default request, as grpc-gateway
   * treats io.EOF on the first decode.
   */
  static List<Message> parseAll(String body, Message prototype) throws InvalidProtocolBufferException {
    List<Message> out = new ArrayList<>();
    try {
      JsonReader reader = new JsonReader(new StringReader(body));
      reader.setLenient(true);
      while (reader.peek() != JsonToken.END_DOCUMENT) {
        JsonElement element = JsonParser.parseReader(reader);
        Message.Builder builder = prototype.newBuilderForType();
        PARSER.merge(element.toString(), builder);
        out.add(builder.build());
      }
    } catch (IOException | JsonParseException | IllegalStateException e) {
      throw new InvalidProtocolBufferException(describe(e));
    }
    if (out.isEmpty()) {
      out.add(prototype);
    }
    return out;
  }

  /**
   * What went wrong, in the words Go's decoder uses where they are the same failure (a body cut short
   * is "unexpected EOF"; a bytes field that is not base64 is "illegal base64 data"), and without the
   * Java class names the parser's exceptions carry.
   */
  private static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.io.EOFException) {
        return "unexpected EOF";
      }
      if (t.getClass().getName().endsWith("BaseEncoding$DecodingException")) {
        return "illegal base64 data: " + t.getMessage();
      }
    }
    String message = String.valueOf(e.getMessage());
    return message.replaceFirst("^[a-z]+(\\.[a-zA-Z0-9_$]+)+: ", "");
  }

  /** grpc-gateway's error body for a unary call: {"error":..,"message":..,"code":..}. */
  static String errorBody(GrpcStatus status) {
    return "{\"error\":" + quote(status.message()) + ",\"message\":" + quote(status.message())
        + ",\"code\":" + status.code() + "}";
  }

  /** grpc-gateway's chunk for a stream that failed: {"error":{"grpc_code":..,"http_code":..,...}}. */
  static String streamErrorChunk(GrpcStatus status) {
    int http = HttpStatusMapping.fromGrpcCode(status.code());
    return "{\"error\":{\"grpc_code\":" + status.code() + ",\"http_code\":" + http + ",\"message\":"
        + quote(status.message()) + ",\"http_status\":" + quote(HttpStatusMapping.reasonPhrase(http)) + "}}";
  }

  static String resultChunk(Message message) {
    return "{\"result\":" + print(message) + "}";
  }

  /** A JSON string as Go's encoding/json writes it: HTML-significant characters escaped, '=' not. */
  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
