package io.akkaetcd.server.auth;

import io.akkaetcd.auth.AuthInfo;
import io.akkaetcd.auth.TokenProvider;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * etcd's simple tokens: 16 random letters, a dot, and the Raft index of the Authenticate entry. Not
 * signed: a token is valid only as an entry of this member's table, which every member fills as it
 * applies the entry (so a token works at any member that has applied it). Each token expires
 * {@code ttlMillis} after its last use, as etcd's simpleTokenTTLKeeper resets it on every use;
 * {@link #sweep} drops the expired ones (etcd sweeps every second).
 */
public final class SimpleTokens implements TokenProvider {
  private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  private static final int PREFIX_LENGTH = 16;

  private record Entry(String username, long expiresAtMillis) {}

  private final Map<String, Entry> tokens = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final LongSupplier clockMillis;
  private final long ttlMillis;
  private volatile boolean enabled;

  public SimpleTokens(LongSupplier clockMillis, long ttlMillis) {
    this.clockMillis = clockMillis;
    this.ttlMillis = ttlMillis > 0 ? ttlMillis : 300_000;
  }

  @Override
  public String newPrefix() {
    StringBuilder prefix = new StringBuilder(PREFIX_LENGTH);
    for (int i = 0; i < PREFIX_LENGTH; i++) {
      prefix.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
    }
    return prefix.toString();
  }

  @Override
  public String assign(String username, long authRevision, String simplePrefix, long raftIndex) {
    String token = simplePrefix + "." + raftIndex;
    if (enabled) {
      tokens.put(token, new Entry(username, clockMillis.getAsLong() + ttlMillis));
    }
    return token;
  }

  @Override
  public AuthInfo info(String token, long currentAuthRevision) {
    if (!wellFormed(token)) {
      return null;
    }
    long now = clockMillis.getAsLong();
    Entry entry = tokens.computeIfPresent(token,
        (t, e) -> e.expiresAtMillis() < now ? null : new Entry(e.username(), now + ttlMillis));
    return entry == null ? null : new AuthInfo(entry.username(), currentAuthRevision);
  }

  @Override
  public long indexToAwait(String token) {
    if (!wellFormed(token) || tokens.containsKey(token)) {
      return 0;
    }
    try {
      return Long.parseLong(token.substring(token.indexOf('.') + 1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** etcd's isValidSimpleToken: exactly one dot, and a number after it. */
  private static boolean wellFormed(String token) {
    int dot = token.indexOf('.');
    if (dot < 0 || dot != token.lastIndexOf('.') || dot == token.length() - 1) {
      return false;
    }
    for (int i = dot + 1; i < token.length(); i++) {
      if (!Character.isDigit(token.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void invalidateUser(String username) {
    tokens.values().removeIf(e -> e.username().equals(username));
  }

  @Override
  public void enable() {
    enabled = true;
  }

  @Override
  public void disable() {
    enabled = false;
    tokens.clear();
  }

  /** Forgets tokens unused for the TTL. */
  public void sweep() {
    long now = clockMillis.getAsLong();
    tokens.values().removeIf(e -> e.expiresAtMillis() < now);
  }

  int size() {
    return tokens.size();
  }
}
