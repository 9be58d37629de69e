package io.akkaetcd.server.auth;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import io.akkaetcd.errors.EtcdError;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * bcrypt, as etcd uses Go's x/crypto/bcrypt: hashes ($2a$, cost {@code --bcrypt-cost}) are made on the
 * member that receives UserAdd or UserChangePassword, before proposing, and checked there for
 * Authenticate. Both take bcrypt's cost in CPU (tens of ms at cost 10), so they run on their own small
 * pool, never on the store actor or a gRPC thread: a flood of wrong passwords queues here and slows
 * nobody else's requests.
 */
public final class Passwords implements AutoCloseable {
  /** Go's bcrypt.MinCost, MaxCost, DefaultCost: etcd uses the default for a cost out of range. */
  static final int MIN_COST = 4;
  static final int MAX_COST = 31;
  static final int DEFAULT_COST = 10;

  static final int QUEUE = 4096;

  private final int cost;
  private final ExecutorService pool;

  public Passwords(int cost, int threads) {
    this.cost = cost < MIN_COST || cost > MAX_COST ? DEFAULT_COST : cost;
    this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(QUEUE),
        r -> {
          Thread t = new Thread(r, "bcrypt");
          t.setDaemon(true);
          return t;
        });
  }

  public CompletionStage<ByteString> hash(String password) {
    return submit(() -> ByteString.copyFrom(
        BCrypt.hashpw(password.getBytes(StandardCharsets.UTF_8), BCrypt.gensalt("$2a", cost)),
        StandardCharsets.US_ASCII));
  }

  /** Whether {@code password} matches {@code hash}; a malformed hash never matches. */
  public CompletionStage<Boolean> matches(String password, ByteString hash) {
    return submit(() -> {
      try {
        return BCrypt.checkpw(password.getBytes(StandardCharsets.UTF_8), hash.toString(StandardCharsets.US_ASCII));
      } catch (IllegalArgumentException e) {
        return false;
      }
    });
  }

  /** More than {@link #QUEUE} waiting: "too many requests", as etcd answers a backlog. */
  private <T> CompletionStage<T> submit(java.util.function.Supplier<T> work) {
    try {
      return CompletableFuture.supplyAsync(work, pool);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(EtcdError.TOO_MANY_REQUESTS.exception());
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
