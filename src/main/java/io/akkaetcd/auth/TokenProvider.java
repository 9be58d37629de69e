package io.akkaetcd.auth;

/**
 * etcd's TokenProvider: issues a token as an Authenticate entry is applied, and says whose a token is.
 * Simple tokens ({@code <random prefix>.<raft index>}) are registered by every member as it applies
 * the entry, so any member knows them, each with its own TTL; JWTs are self-contained.
 */
public interface TokenProvider {
  /** A fresh random prefix for a simple token, drawn by the member that received Authenticate; JWT: "". */
  String newPrefix();

  /** The token for {@code username}, issued as the Authenticate entry at {@code raftIndex} applies. */
  String assign(String username, long authRevision, String simplePrefix, long raftIndex);

  /** Whose the token is, or null when it is unknown, expired, forged or malformed. */
  AuthInfo info(String token, long currentAuthRevision);

  /**
   * The Raft index a member must have applied before it can know {@code token}: a simple token's own
   * index when this member does not hold it yet (etcd's isValidSimpleToken waits for it), else 0.
   */
  default long indexToAwait(String token) {
    return 0;
  }

  /** The user was deleted or its password changed: its simple tokens stop working. */
  void invalidateUser(String username);

  void enable();

  /** Auth was disabled: every simple token is forgotten. */
  void disable();

  /** Issues simple-token shaped strings that no one accepts: for stores that serve no clients (tests). */
  TokenProvider NONE = new TokenProvider() {
    @Override
    public String newPrefix() {
      return "";
    }

    @Override
    public String assign(String username, long authRevision, String simplePrefix, long raftIndex) {
      return simplePrefix + "." + raftIndex;
    }

    @Override
    public AuthInfo info(String token, long currentAuthRevision) {
      return null;
    }

    @Override
    public void invalidateUser(String username) { }

    @Override
    public void enable() { }

    @Override
    public void disable() { }
  };
}
