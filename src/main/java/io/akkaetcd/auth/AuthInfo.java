package io.akkaetcd.auth;

/**
 * Who a request is from, as etcd's AuthInfo: the user name and the auth revision its credential was
 * issued at (a simple token carries the member's current revision, a JWT the one it was signed at).
 * Carried through Raft in the request header, so every member checks a write alike as it applies it.
 */
public record AuthInfo(String username, long revision) {
  /** No credential: etcd checks such a request as the empty user at revision 0. */
  public static final AuthInfo NONE = new AuthInfo("", 0);

  public boolean isNone() {
    return username.isEmpty() && revision == 0;
  }
}
