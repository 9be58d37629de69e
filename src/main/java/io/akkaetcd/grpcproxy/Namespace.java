package io.akkaetcd.grpcproxy;

import com.google.protobuf.ByteString;
import io.akkaetcd.api.Compare;
import io.akkaetcd.api.DeleteRangeRequest;
import io.akkaetcd.api.DeleteRangeResponse;
import io.akkaetcd.api.Event;
import io.akkaetcd.api.KeyValue;
import io.akkaetcd.api.LeaseTimeToLiveResponse;
import io.akkaetcd.api.PutRequest;
import io.akkaetcd.api.PutResponse;
import io.akkaetcd.api.RangeRequest;
import io.akkaetcd.api.RangeResponse;
import io.akkaetcd.api.RequestOp;
import io.akkaetcd.api.ResponseOp;
import io.akkaetcd.api.TxnRequest;
import io.akkaetcd.api.TxnResponse;
import io.akkaetcd.api.WatchCreateRequest;
import io.akkaetcd.api.WatchRequest;
import io.akkaetcd.api.WatchResponse;
import io.akkaetcd.errors.EtcdError;
import io.akkaetcd.errors.EtcdException;

/**
 * {@code --namespace}: every key the proxy's clients name lives under a prefix in the cluster, as
 * etcd's clientv3/namespace does it for the grpc-proxy's KV, Watch and Lease (Lock and Election are
 * passed on unprefixed there too). Keys and range ends are prefixed on the way in; a range end of
 * "\0" (to the end of the keyspace) becomes the end of the prefix's range; keys in replies lose the
 * prefix. A Range, Put or DeleteRange without a key is refused before it leaves, with etcd's "key is
 * not provided", as the namespace client refuses it. Pure: no I/O.
 */
final class Namespace {
  private final ByteString prefix;

  Namespace(String prefix) {
    this.prefix = ByteString.copyFromUtf8(prefix);
  }

  boolean isEmpty() {
    return prefix.isEmpty();
  }

  RangeRequest in(RangeRequest r) {
    requireKey(r.getKey());
    ByteString[] i = interval(r.getKey(), r.getRangeEnd());
    return r.toBuilder().setKey(i[0]).setRangeEnd(i[1]).build();
  }

  PutRequest in(PutRequest r) {
    requireKey(r.getKey());
    return r.toBuilder().setKey(prefix.concat(r.getKey())).build();
  }

  DeleteRangeRequest in(DeleteRangeRequest r) {
    requireKey(r.getKey());
    ByteString[] i = interval(r.getKey(), r.getRangeEnd());
    return r.toBuilder().setKey(i[0]).setRangeEnd(i[1]).build();
  }

  TxnRequest in(TxnRequest r) {
    TxnRequest.Builder b = r.toBuilder().clearCompare().clearSuccess().clearFailure();
    for (Compare c : r.getCompareList()) {
      ByteString[] i = interval(c.getKey(), c.getRangeEnd());
      Compare.Builder cb = c.toBuilder().setKey(i[0]);
      if (!c.getRangeEnd().isEmpty()) cb.setRangeEnd(i[1]);
      b.addCompare(cb);
    }
    for (RequestOp op : r.getSuccessList()) b.addSuccess(in(op));
    for (RequestOp op : r.getFailureList()) b.addFailure(in(op));
    return b.build();
  }

  /** Inside a txn the namespace client checks no key: an empty one names the prefix itself. */
  private RequestOp in(RequestOp op) {
    return switch (op.getRequestCase()) {
      case REQUEST_RANGE -> {
        RangeRequest r = op.getRequestRange();
        ByteString[] i = interval(r.getKey(), r.getRangeEnd());
        yield RequestOp.newBuilder().setRequestRange(r.toBuilder().setKey(i[0]).setRangeEnd(i[1])).build();
      }
      case REQUEST_PUT -> RequestOp.newBuilder()
          .setRequestPut(op.getRequestPut().toBuilder().setKey(prefix.concat(op.getRequestPut().getKey()))).build();
      case REQUEST_DELETE_RANGE -> {
        DeleteRangeRequest r = op.getRequestDeleteRange();
        ByteString[] i = interval(r.getKey(), r.getRangeEnd());
        yield RequestOp.newBuilder().setRequestDeleteRange(r.toBuilder().setKey(i[0]).setRangeEnd(i[1])).build();
      }
      case REQUEST_TXN -> RequestOp.newBuilder().setRequestTxn(in(op.getRequestTxn())).build();
      case REQUEST_NOT_SET -> op;
    };
  }

  WatchRequest in(WatchRequest r) {
    if (!r.hasCreateRequest()) return r;
    WatchCreateRequest c = r.getCreateRequest();
    ByteString[] i = interval(c.getKey(), c.getRangeEnd());
    return r.toBuilder().setCreateRequest(c.toBuilder().setKey(i[0]).setRangeEnd(i[1])).build();
  }

  RangeResponse out(RangeResponse r) {
    RangeResponse.Builder b = r.toBuilder().clearKvs();
    for (KeyValue kv : r.getKvsList()) b.addKvs(strip(kv));
    return b.build();
  }

  PutResponse out(PutResponse r) {
    return r.hasPrevKv() ? r.toBuilder().setPrevKv(strip(r.getPrevKv())).build() : r;
  }

  DeleteRangeResponse out(DeleteRangeResponse r) {
    DeleteRangeResponse.Builder b = r.toBuilder().clearPrevKvs();
    for (KeyValue kv : r.getPrevKvsList()) b.addPrevKvs(strip(kv));
    return b.build();
  }

  TxnResponse out(TxnResponse r) {
    TxnResponse.Builder b = r.toBuilder().clearResponses();
    for (ResponseOp op : r.getResponsesList()) {
      b.addResponses(switch (op.getResponseCase()) {
        case RESPONSE_RANGE -> ResponseOp.newBuilder().setResponseRange(out(op.getResponseRange())).build();
        case RESPONSE_PUT -> ResponseOp.newBuilder().setResponsePut(out(op.getResponsePut())).build();
        case RESPONSE_DELETE_RANGE -> ResponseOp.newBuilder()
            .setResponseDeleteRange(out(op.getResponseDeleteRange())).build();
        case RESPONSE_TXN -> ResponseOp.newBuilder().setResponseTxn(out(op.getResponseTxn())).build();
        case RESPONSE_NOT_SET -> op;
      });
    }
    return b.build();
  }

  WatchResponse out(WatchResponse r) {
    if (r.getEventsCount() == 0) return r;
    WatchResponse.Builder b = r.toBuilder().clearEvents();
    for (Event e : r.getEventsList()) {
      Event.Builder eb = e.toBuilder().setKv(strip(e.getKv()));
      if (e.hasPrevKv()) eb.setPrevKv(strip(e.getPrevKv()));
      b.addEvents(eb);
    }
    return b.build();
  }

  /** Keys outside the prefix are left out, as the namespace lease client filters them. */
  LeaseTimeToLiveResponse out(LeaseTimeToLiveResponse r) {
    LeaseTimeToLiveResponse.Builder b = r.toBuilder().clearKeys();
    for (ByteString key : r.getKeysList()) {
      if (key.startsWith(prefix)) b.addKeys(key.substring(prefix.size()));
    }
    return b.build();
  }

  private KeyValue strip(KeyValue kv) {
    return kv.getKey().startsWith(prefix) ? kv.toBuilder().setKey(kv.getKey().substring(prefix.size())).build() : kv;
  }

  private static void requireKey(ByteString key) {
    if (key.isEmpty()) throw new EtcdException(EtcdError.EMPTY_KEY);
  }

  /** etcd's prefixInterval: the key and range end under the prefix. */
  ByteString[] interval(ByteString key, ByteString end) {
    ByteString pfxKey = prefix.concat(key);
    ByteString pfxEnd = ByteString.EMPTY;
    if (end.size() == 1 && end.byteAt(0) == 0) {
      byte[] b = prefix.toByteArray();
      int i = b.length - 1;
      while (i >= 0 && ++b[i] == 0) i--;
      // a prefix of all 0xff bytes has no end: the whole keyspace from it on
      pfxEnd = i < 0 ? ByteString.copyFrom(new byte[] {0}) : ByteString.copyFrom(b, 0, b.length);
    } else if (!end.isEmpty()) {
      pfxEnd = prefix.concat(end);
    }
    return new ByteString[] {pfxKey, pfxEnd};
  }
}
