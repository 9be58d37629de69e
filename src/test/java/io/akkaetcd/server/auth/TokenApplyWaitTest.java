package io.akkaetcd.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.akkaetcd.auth.Caller;
import io.akkaetcd.store.PendingRequests;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * etcd's isValidSimpleToken waits until the member has applied the Authenticate entry whose index the
 * token carries: a member that lags behind the one that answered Authenticate holds the call until it
 * knows the token, instead of calling it invalid.
 */
class TokenApplyWaitTest {
  @Test
  void appliedIndexWaitersCompleteOnceTheirIndexIsApplied() {
    PendingRequests pending = new PendingRequests(1, 0);
    pending.applied(3);
    assertTrue(pending.whenApplied(3).isDone(), "already applied");
    CompletableFuture<Void> five = pending.whenApplied(5);
    CompletableFuture<Void> seven = pending.whenApplied(7);
    pending.applied(4);
    assertFalse(five.isDone());
    pending.applied(6);
    assertTrue(five.isDone());
    assertFalse(seven.isDone());
    pending.applied(7);
    assertTrue(seven.isDone());
  }

  @Test
  void aSimpleTokenFromAnEntryNotYetAppliedWaitsForIt() {
    PendingRequests pending = new PendingRequests(1, 0);
    SimpleTokens tokens = new SimpleTokens(System::currentTimeMillis, 300_000);
    tokens.enable();
    AuthGate gate = new AuthGate(() -> null, tokens, false, pending::whenApplied);
    String prefix = tokens.newPrefix();
    String token = prefix + ".9";

    CompletableFuture<Void> known = gate.tokenKnown(new Caller(token, null)).toCompletableFuture();
    assertFalse(known.isDone(), "entry 9 is not applied here yet");
    assertNull(tokens.info(token, 1));
    // the member applies entry 9 (the Authenticate), which registers the token, then reports it applied
    tokens.assign("alice", 1, prefix, 9);
    pending.applied(9);
    assertTrue(known.isDone());
    assertNotNull(tokens.info(token, 1));
    assertEquals("alice", tokens.info(token, 1).username());

    assertTrue(gate.tokenKnown(new Caller(token, null)).toCompletableFuture().isDone(), "known: no wait");
    assertTrue(gate.tokenKnown(new Caller("not-a-simple-token", null)).toCompletableFuture().isDone(),
        "malformed: judged at once (invalid)");
    assertTrue(gate.tokenKnown(Caller.ANONYMOUS).toCompletableFuture().isDone());
  }
}
