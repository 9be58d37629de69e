package io.akkaetcd.server.concurrency;

import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import com.google.protobuf.ByteString;
import io.akkaetcd.api.Compare;
import io.akkaetcd.api.DeleteRangeRequest;
import io.akkaetcd.api.Event;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RangeResponse;
import io.akkaetcd.api.RequestOp;
import io.akkaetcd.api.ResponseHeader;
import io.akkaetcd.api.TxnRequest;
import io.akkaetcd.api.TxnResponse;
import io.akkaetcd.api.Watch;
import io.akkaetcd.api.WatchCreateRequest;
import io.akkaetcd.api.WatchRequest;
import io.akkaetcd.api.WatchResponse;
import io.akkaetcd.auth.AuthInfo;
import io.akkaetcd.auth.Caller;
import io.akkaetcd.server.StoreClient;
import io.akkaetcd.server.auth.AuthGate;
import io.akkaetcd.watch.KeyRange;
import java.util.concurrent.CompletionStage;

/**
 * The KV, and watch steps etcd's client-side concurrency recipes (clientv3/concurrency) take, run
 * inside the member for the Lock and Election services, as etcd's v3lock and v3election run them
 * through an in-process client.
 */
final class KvOps {
  private final StoreClient store;
  private final Watch watch;
  private final Materializer materializer;
  /** Null: no auth (tests of the recipes alone). */
  private final AuthGate auth;
  /** On whose behalf the steps run: etcd's v3lock and v3election pass the caller's token on. */
  private final AuthInfo who;

  KvOps(StoreClient store, Watch watch, Materializer materializer, AuthGate auth) {
    this(store, watch, materializer, auth, AuthInfo.NONE);
  }

  private KvOps(StoreClient store, Watch watch, Materializer materializer, AuthGate auth, AuthInfo who) {
    this.store = store;
    this.watch = watch;
    this.materializer = materializer;
    this.auth = auth;
    this.who = who;
  }

  /** The same steps on behalf of the call's user; throws for a bad token. */
  KvOps as(Caller caller) {
    return auth == null ? this : new KvOps(store, watch, materializer, auth, auth.identify(caller));
  }

  CompletionStage<TxnResponse> txn(TxnRequest txn) {
    return store.propose(InternalRaftRequest.newBuilder().setTxn(txn).build(), who);
  }

  CompletionStage<RangeResponse> range(RangeRequest range) {
    if (auth != null) {
      try {
        auth.view().checkRead(who, range.getKey(), range.getRangeEnd());
      } catch (RuntimeException e) {
        return java.util.concurrent.CompletableFuture.failedFuture(e);
      }
    }
    return store.range(range);
  }

  CompletionStage<io.akkaetcd.api.DeleteRangeResponse> delete(ByteString key) {
    return store.propose(InternalRaftRequest.newBuilder()
        .setDeleteRange(DeleteRangeRequest.newBuilder().setKey(key)).build(), who);
  }

  /** clientv3's WithFirstCreate on a prefix: the oldest live key under it. */
  static RangeRequest firstCreated(ByteString prefix) {
    return RangeRequest.newBuilder().setKey(prefix).setRangeEnd(KeyRange.prefix(prefix).rangeEnd())
        .setSortTarget(RangeRequest.SortTarget.CREATE).setSortOrder(RangeRequest.SortOrder.ASCEND)
        .setLimit(1).build();
  }

  static Compare createRevisionIs(ByteString key, long revision) {
    return Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.CREATE)
        .setResult(Compare.CompareResult.EQUAL).setCreateRevision(revision).build();
  }

  static RequestOp put(ByteString key, ByteString value, long lease) {
    return RequestOp.newBuilder().setRequestPut(
        PutRequest.newBuilder().setKey(key).setValue(value).setLease(lease)).build();
  }

  static RequestOp get(RangeRequest range) {
    return RequestOp.newBuilder().setRequestRange(range).build();
  }

  /**
   * clientv3/concurrency's waitDeletes: until no key under {@code prefix} created at or before
   * {@code maxCreateRevision} is left, wait for the newest such key to be deleted. Answers the header
   * of the last read, which saw none.
   */
  CompletionStage<ResponseHeader> waitDeletes(ByteString prefix, long maxCreateRevision) {
    RangeRequest lastCreated = RangeRequest.newBuilder().setKey(prefix)
        .setRangeEnd(KeyRange.prefix(prefix).rangeEnd())
        .setSortTarget(RangeRequest.SortTarget.CREATE).setSortOrder(RangeRequest.SortOrder.DESCEND)
        .setMaxCreateRevision(maxCreateRevision).setLimit(1).build();
    return range(lastCreated).thenCompose(r -> {
      if (r.getKvsCount() == 0) {
        return java.util.concurrent.CompletableFuture.completedFuture(r.getHeader());
      }
      return waitDelete(r.getKvs(0).getKey(), r.getHeader().getRevision())
          .thenCompose(done -> waitDeletes(prefix, maxCreateRevision));
    });
  }

  /** Completes once {@code key} is deleted at or after {@code fromRevision}. */
  CompletionStage<WatchResponse> waitDelete(ByteString key, long fromRevision) {
    return watch(WatchCreateRequest.newBuilder().setKey(key).setStartRevision(fromRevision)
            .addFilters(WatchCreateRequest.FilterType.NOPUT).build())
        .filter(r -> r.getCanceled() || r.getEventsList().stream()
            .anyMatch(e -> e.getType() == Event.EventType.DELETE))
        .take(1)
        .runWith(Sink.head(), materializer);
  }

  /** A watch on the member's own watch service; cancelling the source ends it. */
  Source<WatchResponse, akka.NotUsed> watch(WatchCreateRequest create) {
    Source<WatchRequest, akka.NotUsed> requests = Source.single(
        WatchRequest.newBuilder().setCreateRequest(create).build())
        .concat(Source.<WatchRequest>maybe().mapMaterializedValue(m -> akka.NotUsed.getInstance()));
    return watch.watch(requests).filter(r -> !r.getCreated());
  }
}
