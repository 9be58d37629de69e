package akka.http.impl.engine.http2.hpack;

import akka.http.scaladsl.model.Uri;
import akka.http.scaladsl.settings.ParserSettings;

/**
 * A compile-time stand-in for Akka HTTP 10.2.10's Http2HeaderParsing, so that javac can compile the
 * nested {@link Authority$} with its exact binary name. The build keeps only Authority$'s class file
 * (see pom.xml, "akka-http-authority-patch"); at run time the real Http2HeaderParsing is used.
 */
public final class Http2HeaderParsing {
  private Http2HeaderParsing() {}

  /** Mirrors the real abstract class's constructor and abstract method; nothing of it is kept. */
  public abstract static class HeaderParser<T> {
    public HeaderParser(String headerName) {}

    public abstract T parse(String name, String value, ParserSettings settings);
  }

  /**
   * Replaces Akka HTTP's parser of the HTTP/2 :authority pseudo-header (same binary name, earlier on the
   * classpath). etcdctl 3.4's `endpoint status`, `move-leader` and `--cluster` commands dial each
   * endpoint as given, so grpc-go sends the whole URL ("http://127.0.0.1:2379") as :authority; real etcd
   * (grpc-go's server) ignores it, Akka HTTP rejects it and drops the connection. This drops a scheme
   * and a path, then parses as Akka HTTP does.
   */
  public static class Authority$ extends HeaderParser<Uri.Authority> {
    public static final Authority$ MODULE$ = new Authority$();

    public Authority$() {
      super("http2-authority-pseudo-header");
    }

    @Override
    public Uri.Authority parse(String name, String value, ParserSettings settings) {
      akka.http.scaladsl.model.Uri$ uri = akka.http.scaladsl.model.Uri$.MODULE$;
      return uri.parseHttp2AuthorityPseudoHeader(akka.parboiled2.ParserInput$.MODULE$.apply(hostAndPort(value)),
          uri.parseHttp2AuthorityPseudoHeader$default$2(), uri.parseHttp2AuthorityPseudoHeader$default$3());
    }

    static String hostAndPort(String value) {
      int scheme = value.indexOf("://");
      String rest = scheme >= 0 ? value.substring(scheme + 3) : value;
      int path = rest.indexOf('/');
      return path >= 0 ? rest.substring(0, path) : rest;
    }
  }
}
