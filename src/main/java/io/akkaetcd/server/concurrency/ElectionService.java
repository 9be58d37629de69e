package io.akkaetcd.server.concurrency;

import akka.NotUsed;
import akka.stream.javadsl.Source;
import com.google.protobuf.ByteString;
import io.akkaetcd.auth.Caller;
import io.akkaetcd.api.CampaignRequest;
import io.akkaetcd.api.CampaignResponse;
import akka.grpc.javadsl.Metadata;
import io.akkaetcd.api.Election;
import io.akkaetcd.api.ElectionPowerApi;
import io.akkaetcd.api.KeyValue;
import io.akkaetcd.api.LeaderKey;
import io.akkaetcd.api.LeaderRequest;
import io.akkaetcd.api.LeaderResponse;
import io.akkaetcd.api.ProclaimRequest;
import io.akkaetcd.api.ProclaimResponse;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RangeResponse;
import io.akkaetcd.api.RequestOp;
import io.akkaetcd.api.DeleteRangeRequest;
import io.akkaetcd.api.ResignRequest;
import io.akkaetcd.api.ResignResponse;
import io.akkaetcd.api.TxnRequest;
import io.akkaetcd.api.WatchCreateRequest;
import io.akkaetcd.watch.KeyRange;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * v3electionpb.Election, as etcd's v3election serves it with clientv3/concurrency's Election: a
 * candidate's key is {@code name/<lease id in hex>}; the leader is the oldest key under {@code name/}.
 * Errors are the recipe's plain Go errors, which reach clients as UNKNOWN with their text.
 */
public final class ElectionService implements Election, ElectionPowerApi {
  static final String NOT_LEADER = "election: not leader";
  static final String NO_LEADER = "election: no leader";
  static final String MISSING_LEADER = "\"leader\" field must be provided";

  private final KvOps kv;

  ElectionService(KvOps kv) {
    this.kv = kv;
  }

  public static ElectionService create(io.akkaetcd.server.StoreClient store, io.akkaetcd.api.Watch watch,
      akka.stream.Materializer materializer, io.akkaetcd.server.auth.AuthGate auth) {
    return new ElectionService(new KvOps(store, watch, materializer, auth));
  }

  private static ByteString prefixOf(ByteString name) {
    return name.concat(ByteString.copyFromUtf8("/"));
  }

  @Override
  public CompletionStage<CampaignResponse> campaign(CampaignRequest in) {
    return campaign(in, Caller.ANONYMOUS);
  }

  public CompletionStage<CampaignResponse> campaign(CampaignRequest in, Caller caller) {
    KvOps kv;
    try {
      kv = this.kv.as(caller);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return campaign(in, kv);
  }

  private CompletionStage<CampaignResponse> campaign(CampaignRequest in, KvOps kv) {
    ByteString prefix = prefixOf(in.getName());
    ByteString key = prefix.concat(ByteString.copyFromUtf8(Long.toHexString(in.getLease())));
    TxnRequest txn = TxnRequest.newBuilder()
        .addCompare(KvOps.createRevisionIs(key, 0))
        .addSuccess(KvOps.put(key, in.getValue(), in.getLease()))
        .addFailure(KvOps.get(RangeRequest.newBuilder().setKey(key).build()))
        .build();
    return kv.txn(txn).thenCompose(r -> {
      long rev;
      CompletionStage<?> proclaimed = CompletableFuture.completedFuture(null);
      if (r.getSucceeded()) {
        rev = r.getHeader().getRevision();
      } else {
        KeyValue existing = r.getResponses(0).getResponseRange().getKvs(0);
        rev = existing.getCreateRevision();
        if (!existing.getValue().equals(in.getValue())) {
          proclaimed = proclaim(key, rev, in.getValue(), in.getLease());
        }
      }
      LeaderKey leader = LeaderKey.newBuilder().setName(in.getName()).setKey(key).setRev(rev)
          .setLease(in.getLease()).build();
      return proclaimed.thenCompose(p -> kv.waitDeletes(prefix, rev - 1))
          .thenApply(header -> CampaignResponse.newBuilder().setHeader(header).setLeader(leader).build());
    });
  }

  @Override
  public CompletionStage<ProclaimResponse> proclaim(ProclaimRequest in) {
    return proclaim(in, Caller.ANONYMOUS);
  }

  public CompletionStage<ProclaimResponse> proclaim(ProclaimRequest in, Caller caller) {
    KvOps kv;
    try {
      kv = this.kv.as(caller);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return proclaim(in, kv);
  }

  private CompletionStage<ProclaimResponse> proclaim(ProclaimRequest in, KvOps kv) {
    if (!in.hasLeader()) {
      return CompletableFuture.failedFuture(missingLeader());
    }
    LeaderKey l = in.getLeader();
    return proclaim(l.getKey(), l.getRev(), in.getValue(), l.getLease())
        .thenApply(header -> ProclaimResponse.newBuilder().setHeader(header).build());
  }

  private CompletionStage<io.akkaetcd.api.ResponseHeader> proclaim(ByteString key, long rev, ByteString value,
      long lease) {
    TxnRequest txn = TxnRequest.newBuilder()
        .addCompare(KvOps.createRevisionIs(key, rev))
        .addSuccess(KvOps.put(key, value, lease))
        .build();
    return kv.txn(txn).thenApply(r -> {
      if (!r.getSucceeded()) {
        throw Status.UNKNOWN.withDescription(NOT_LEADER).asRuntimeException();
      }
      return r.getHeader();
    });
  }

  @Override
  public CompletionStage<LeaderResponse> leader(LeaderRequest in) {
    return leader(in, Caller.ANONYMOUS);
  }

  public CompletionStage<LeaderResponse> leader(LeaderRequest in, Caller caller) {
    KvOps kv;
    try {
      kv = this.kv.as(caller);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return leader(in, kv);
  }

  private CompletionStage<LeaderResponse> leader(LeaderRequest in, KvOps kv) {
    return kv.range(KvOps.firstCreated(prefixOf(in.getName()))).thenApply(r -> {
      if (r.getKvsCount() == 0) {
        throw Status.UNKNOWN.withDescription(NO_LEADER).asRuntimeException();
      }
      return LeaderResponse.newBuilder().setHeader(r.getHeader()).setKv(r.getKvs(0)).build();
    });
  }

  /**
   * Every change of leader, or of the leader's value: the oldest key under the prefix is read again
   * after each revision that touches the prefix, and sent when it differs from the last one sent.
   */
  @Override
  public Source<LeaderResponse, NotUsed> observe(LeaderRequest in) {
    return observe(in, kv);
  }

  /**
   * On behalf of the caller, as etcd's in-process client carries the token on: its observe loop ends
   * the stream at the first failed read, so a caller without read permission on the prefix (or with a
   * bad token) gets a stream that ends at once, without a message and without an error.
   */
  public Source<LeaderResponse, NotUsed> observe(LeaderRequest in, Caller caller) {
    try {
      return observe(in, kv.as(caller));
    } catch (RuntimeException e) {
      return Source.empty();
    }
  }

  private Source<LeaderResponse, NotUsed> observe(LeaderRequest in, KvOps kv) {
    ByteString prefix = prefixOf(in.getName());
    AtomicReference<KeyValue> last = new AtomicReference<>();
    return Source.completionStage(kv.range(KvOps.firstCreated(prefix)))
        .flatMapConcat(first -> Source.single(first).concat(
            kv.watch(WatchCreateRequest.newBuilder().setKey(prefix)
                    .setRangeEnd(KeyRange.prefix(prefix).rangeEnd())
                    .setStartRevision(first.getHeader().getRevision() + 1).build())
                .mapAsync(1, change -> kv.range(KvOps.firstCreated(prefix)))))
        .filter(r -> r.getKvsCount() > 0 && changed(last, r))
        .map(r -> LeaderResponse.newBuilder().setHeader(r.getHeader()).setKv(r.getKvs(0)).build())
        .recoverWithRetries(1, new akka.japi.pf.PFBuilder<Throwable, akka.stream.Graph<
            akka.stream.SourceShape<LeaderResponse>, NotUsed>>().matchAny(t -> Source.empty()).build());
  }

  // The power API: the streaming handler reaches observe through it, with the token in the metadata
  // (the unary calls are served by UnaryGrpcHandler, which finds the Caller overloads itself).

  @Override
  public CompletionStage<CampaignResponse> campaign(CampaignRequest in, Metadata metadata) {
    return campaign(in, callerOf(metadata));
  }

  @Override
  public CompletionStage<ProclaimResponse> proclaim(ProclaimRequest in, Metadata metadata) {
    return proclaim(in, callerOf(metadata));
  }

  @Override
  public CompletionStage<LeaderResponse> leader(LeaderRequest in, Metadata metadata) {
    return leader(in, callerOf(metadata));
  }

  @Override
  public Source<LeaderResponse, NotUsed> observe(LeaderRequest in, Metadata metadata) {
    return observe(in, callerOf(metadata));
  }

  @Override
  public CompletionStage<ResignResponse> resign(ResignRequest in, Metadata metadata) {
    return resign(in, callerOf(metadata));
  }

  private static Caller callerOf(Metadata metadata) {
    return new Caller(metadata.getText("token").orElse(null), null);
  }

  /** v3election's ErrMissingLeaderKey, which gRPC reports as UNKNOWN. */
  private static RuntimeException missingLeader() {
    return Status.UNKNOWN.withDescription(MISSING_LEADER).asRuntimeException();
  }

  private static boolean changed(AtomicReference<KeyValue> last, RangeResponse r) {
    KeyValue now = r.getKvs(0);
    KeyValue before = last.getAndSet(now);
    return before == null || !before.getKey().equals(now.getKey())
        || before.getModRevision() != now.getModRevision();
  }

  @Override
  public CompletionStage<ResignResponse> resign(ResignRequest in) {
    return resign(in, Caller.ANONYMOUS);
  }

  public CompletionStage<ResignResponse> resign(ResignRequest in, Caller caller) {
    KvOps kv;
    try {
      kv = this.kv.as(caller);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return resign(in, kv);
  }

  private CompletionStage<ResignResponse> resign(ResignRequest in, KvOps kv) {
    if (!in.hasLeader()) {
      return CompletableFuture.failedFuture(missingLeader());
    }
    LeaderKey l = in.getLeader();
    TxnRequest txn = TxnRequest.newBuilder()
        .addCompare(KvOps.createRevisionIs(l.getKey(), l.getRev()))
        .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(l.getKey())))
        .build();
    return kv.txn(txn).thenApply(r -> ResignResponse.newBuilder().setHeader(r.getHeader()).build());
  }
}
