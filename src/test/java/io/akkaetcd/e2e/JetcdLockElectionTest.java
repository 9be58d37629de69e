package io.akkaetcd.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Election;
import io.etcd.jetcd.Lock;
import io.etcd.jetcd.election.CampaignResponse;
import io.etcd.jetcd.election.LeaderResponse;
import io.etcd.jetcd.lock.LockResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** jetcd's Lock and Election clients, which call the v3lockpb and v3electionpb services. */
class JetcdLockElectionTest {
  private static TestMember member;
  private static Client client;

  @BeforeAll
  static void start() {
    member = TestMember.start();
    client = Client.builder().endpoints(member.endpoint()).build();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    member.close();
  }

  static ByteSequence bs(String s) {
    return ByteSequence.from(s, UTF_8);
  }

  static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  @Test
  void secondLockerWaitsForTheFirstToUnlock() throws Exception {
    Lock lock = client.getLockClient();
    long lease1 = await(client.getLeaseClient().grant(30)).getID();
    long lease2 = await(client.getLeaseClient().grant(30)).getID();
    LockResponse first = await(lock.lock(bs("mylock"), lease1));
    assertEquals("mylock/" + Long.toHexString(lease1), first.getKey().toString(UTF_8));
    CompletableFuture<LockResponse> second = lock.lock(bs("mylock"), lease2);
    Thread.sleep(300);
    assertFalse(second.isDone(), "second contender waits");
    await(lock.unlock(first.getKey()));
    assertEquals("mylock/" + Long.toHexString(lease2), await(second).getKey().toString(UTF_8));
    await(lock.unlock(await(second).getKey()));
  }

  @Test
  void lockHolderLosingItsLeaseReleasesTheLock() throws Exception {
    Lock lock = client.getLockClient();
    long lease1 = await(client.getLeaseClient().grant(30)).getID();
    long lease2 = await(client.getLeaseClient().grant(30)).getID();
    await(lock.lock(bs("lk2"), lease1));
    CompletableFuture<LockResponse> second = lock.lock(bs("lk2"), lease2);
    await(client.getLeaseClient().revoke(lease1));
    assertEquals("lk2/" + Long.toHexString(lease2), await(second).getKey().toString(UTF_8));
  }

  @Test
  void campaignLeaderProclaimObserveResign() throws Exception {
    Election election = client.getElectionClient();
    long lease1 = await(client.getLeaseClient().grant(30)).getID();
    long lease2 = await(client.getLeaseClient().grant(30)).getID();
    LinkedBlockingQueue<String> observed = new LinkedBlockingQueue<>();
    election.observe(bs("elect"), new Election.Listener() {
      @Override
      public void onNext(LeaderResponse response) {
        observed.add(response.getKv().getValue().toString(UTF_8));
      }

      @Override
      public void onError(Throwable throwable) {
        observed.add("error: " + throwable);
      }

      @Override
      public void onCompleted() {}
    });
    CampaignResponse one = await(election.campaign(bs("elect"), lease1, bs("p1")));
    assertEquals("p1", await(election.leader(bs("elect"))).getKv().getValue().toString(UTF_8));
    CompletableFuture<CampaignResponse> two = election.campaign(bs("elect"), lease2, bs("p2"));
    Thread.sleep(300);
    assertFalse(two.isDone(), "second candidate waits");
    await(election.proclaim(one.getLeader(), bs("p1b")));
    await(election.resign(one.getLeader()));
    CampaignResponse won = await(two);
    assertEquals("elect/" + Long.toHexString(lease2), won.getLeader().getKey().toString(UTF_8));
    assertEquals("p1", observed.poll(10, TimeUnit.SECONDS));
    assertEquals("p1b", observed.poll(10, TimeUnit.SECONDS));
    assertEquals("p2", observed.poll(10, TimeUnit.SECONDS));
    ExecutionException notLeader = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> await(election.proclaim(one.getLeader(), bs("late"))));
    // jetcd turns etcd's "election: not leader" into its NotLeaderException
    assertInstanceOf(io.etcd.jetcd.election.NotLeaderException.class, notLeader.getCause());
  }
}
