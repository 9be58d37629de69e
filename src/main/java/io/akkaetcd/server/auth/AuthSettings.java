package io.akkaetcd.server.auth;

import com.typesafe.config.Config;

/** etcd's auth flags: {@code --auth-token}, {@code --auth-token-ttl} (seconds), {@code --bcrypt-cost}, {@code --client-cert-auth}. */
public record AuthSettings(String tokenOptions, long tokenTtlSeconds, int bcryptCost, boolean clientCertAuth) {
  public static AuthSettings from(Config config) {
    Config c = config.getConfig("akka-etcd");
    return new AuthSettings(c.getString("auth-token"), c.getLong("auth-token-ttl"), c.getInt("bcrypt-cost"),
        c.hasPath("client-cert-auth") && c.getBoolean("client-cert-auth"));
  }
}
