package io.akkaetcd.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import com.google.protobuf.UnsafeByteOperations;
import io.akkaetcd.cluster.proto.PeerMessage;
import io.akkaetcd.cluster.proto.SnapshotAckProto;
import io.akkaetcd.cluster.proto.SnapshotChunkProto;
import io.akkaetcd.mvcc.Backend;
import io.akkaetcd.raft.InstallSnapshotRequest;
import io.akkaetcd.raftlog.RaftLogCodec;
import io.akkaetcd.raft.Snapshot;
import io.akkaetcd.store.StoreActor;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The leader's side of streamed snapshots (rafthttp's snapshot sender, over acknowledged chunks):
 * for each follower Raft wants a snapshot sent to, it opens a point-in-time view of the store, reads
 * it a chunk at a time and keeps at most {@link SnapshotTransferSettings#window} chunks unacknowledged,
 * so the leader never holds more than window x chunk size of it however large the store is.
 *
 * <p>Raft hears the outcome once: delivered only when the follower says it installed the whole store,
 * failed on a refusal from the follower, a silence longer than the ack timeout (a follower that is
 * down, cut off or restarted), or a store the view cannot be read from. A failed snapshot is retried
 * by Raft itself, which sends a new {@link InstallSnapshotRequest} once the follower answers again.
 *
 * <p>Runs on a blocking dispatcher: it reads LevelDB.
 */
public final class SnapshotSender extends AbstractBehavior<SnapshotSender.Command> {

  public sealed interface Command {}

  /** Raft asks for its snapshot (metadata only) to reach {@code request.to()}. */
  public record Send(InstallSnapshotRequest request, ActorRef<SnapshotReported> replyTo) implements Command {}

  /** What to tell Raft ({@code RaftNode.reportSnapshot}). */
  public record SnapshotReported(long to, boolean delivered) {}

  /** A follower's acknowledgement, from the peer inbox. */
  public record AckReceived(long from, SnapshotAckProto ack) implements Command {}

  private record ViewOpened(long to, long transferId, Backend.PointInTime view, long consistentIndex)
      implements Command {}

  private record AckTimedOut(long to, long transferId) implements Command {}

  /** One follower's transfer. */
  private static final class Transfer {
    final long transferId;
    final InstallSnapshotRequest request;
    final ActorRef<SnapshotReported> replyTo;
    Backend.PointInTime view;
    long consistentIndex;
    /** The pair read ahead, so a chunk knows whether it is the last; null once the view is drained. */
    byte[][] lookahead;
    long nextSeq;
    long ackedSeq = -1;
    boolean lastSent;

    Transfer(long transferId, InstallSnapshotRequest request, ActorRef<SnapshotReported> replyTo) {
      this.transferId = transferId;
      this.request = request;
      this.replyTo = replyTo;
    }

    long inflight() {
      return nextSeq - 1 - ackedSeq;
    }
  }

  private final ActorRef<StoreActor.Command> store;
  private final PeerSender peers;
  private final SnapshotTransferSettings settings;
  private final TimerScheduler<Command> timers;
  private final Map<Long, Transfer> transfers = new HashMap<>();

  public static Behavior<Command> create(ActorRef<StoreActor.Command> store, PeerSender peers,
      SnapshotTransferSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new SnapshotSender(ctx, timers, store, peers,
        settings)));
  }

  private SnapshotSender(ActorContext<Command> ctx, TimerScheduler<Command> timers,
      ActorRef<StoreActor.Command> store, PeerSender peers, SnapshotTransferSettings settings) {
    super(ctx);
    this.timers = timers;
    this.store = store;
    this.peers = peers;
    this.settings = settings;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Send.class, this::onSend)
        .onMessage(ViewOpened.class, this::onViewOpened)
        .onMessage(AckReceived.class, this::onAck)
        .onMessage(AckTimedOut.class, this::onAckTimedOut)
        .onSignal(PostStop.class, signal -> {
          transfers.values().forEach(SnapshotSender::closeView);
          return this;
        })
        .build();
  }

  private Behavior<Command> onSend(Send send) {
    long to = send.request().to();
    Transfer previous = transfers.remove(to);
    if (previous != null) {
      // Raft gave up on it (and was told so) before asking again; a late answer must not count for this one.
      closeView(previous);
    }
    long transferId = ThreadLocalRandom.current().nextLong();
    transfers.put(to, new Transfer(transferId, send.request(), send.replyTo()));
    getContext().getLog().info("sending a snapshot at index {} to {} (transfer {})",
        send.request().snapshot().index(), Long.toHexString(to), Long.toHexString(transferId));
    getContext().ask(StoreActor.PointInTimeOpened.class, store, settings.ackTimeout(), StoreActor.OpenPointInTime::new,
        (opened, failure) -> new ViewOpened(to, transferId, opened == null ? null : opened.view(),
            opened == null ? 0 : opened.consistentIndex()));
    timers.startSingleTimer(to, new AckTimedOut(to, transferId), settings.ackTimeout());
    return this;
  }

  private Behavior<Command> onViewOpened(ViewOpened opened) {
    Transfer t = transfers.get(opened.to());
    if (t == null || t.transferId != opened.transferId()) {
      if (opened.view() != null) {
        opened.view().close();
      }
      return this;
    }
    if (opened.view() == null) {
      return finish(opened.to(), t, false, "the store did not open a view");
    }
    t.view = opened.view();
    t.consistentIndex = opened.consistentIndex();
    return pump(opened.to(), t);
  }

  private Behavior<Command> onAck(AckReceived received) {
    long to = received.from();
    SnapshotAckProto ack = received.ack();
    Transfer t = transfers.get(to);
    if (t == null || t.transferId != ack.getTransferId()) {
      return this; // a late answer to a transfer already reported
    }
    if (ack.getFailed()) {
      return finish(to, t, false, "the follower refused chunk " + ack.getSeq());
    }
    if (ack.getInstalled()) {
      return finish(to, t, t.lastSent && ack.getSeq() == t.nextSeq - 1, "installed");
    }
    t.ackedSeq = Math.max(t.ackedSeq, ack.getSeq());
    return pump(to, t);
  }

  private Behavior<Command> onAckTimedOut(AckTimedOut timeout) {
    Transfer t = transfers.get(timeout.to());
    if (t != null && t.transferId == timeout.transferId()) {
      return finish(timeout.to(), t, false, "no answer within the timeout");
    }
    return this;
  }

  /** Sends chunks while the window has room; each send or acknowledgement restarts the silence timer. */
  private Behavior<Command> pump(long to, Transfer t) {
    try {
      while (!t.lastSent && t.inflight() < settings.window()) {
        PeerMessage chunk = PeerMessage.newBuilder().setFrom(t.request.from()).setTo(to).setTerm(t.request.term())
            .setSnapshotChunk(nextChunk(t)).build();
        if (!peers.send(to, chunk)) {
          return finish(to, t, false, "the follower's address is unknown");
        }
      }
    } catch (RuntimeException e) {
      getContext().getLog().warn("cannot read the store for a snapshot to {}", Long.toHexString(to), e);
      return finish(to, t, false, "the store could not be read");
    }
    boolean awaitingInstall = t.lastSent && t.ackedSeq == t.nextSeq - 1;
    timers.startSingleTimer(to, new AckTimedOut(to, t.transferId),
        awaitingInstall ? settings.installTimeout() : settings.ackTimeout());
    return this;
  }

  private SnapshotChunkProto nextChunk(Transfer t) {
    SnapshotChunkProto.Builder chunk = SnapshotChunkProto.newBuilder().setTransferId(t.transferId).setSeq(t.nextSeq);
    if (t.nextSeq == 0) {
      Snapshot s = t.request.snapshot();
      chunk.setMetadata(RaftLogCodec.encode(new Snapshot(s.index(), s.term(), s.configuration(), new byte[0])))
          .setConsistentIndex(t.consistentIndex);
      t.lookahead = t.view.next();
    }
    long bytes = 0;
    while (t.lookahead != null && (bytes == 0 || bytes + size(t.lookahead) <= settings.chunkBytes())) {
      // The view hands out fresh arrays nobody else holds: wrapped, not copied (a copy per pair is garbage).
      chunk.addKeys(UnsafeByteOperations.unsafeWrap(t.lookahead[0]))
          .addValues(UnsafeByteOperations.unsafeWrap(t.lookahead[1]));
      bytes += size(t.lookahead);
      t.lookahead = t.view.next();
    }
    t.nextSeq++;
    if (t.lookahead == null) {
      t.lastSent = true;
      chunk.setLast(true);
      closeView(t);
    }
    return chunk.build();
  }

  private static long size(byte[][] pair) {
    return pair[0].length + pair[1].length;
  }

  private Behavior<Command> finish(long to, Transfer t, boolean delivered, String why) {
    transfers.remove(to);
    timers.cancel(to);
    closeView(t);
    if (delivered) {
      getContext().getLog().info("snapshot at index {} delivered to {} in {} chunks",
          t.request.snapshot().index(), Long.toHexString(to), t.nextSeq);
    } else {
      getContext().getLog().warn("snapshot at index {} to {} failed after {} chunks: {}",
          t.request.snapshot().index(), Long.toHexString(to), t.nextSeq, why);
    }
    t.replyTo.tell(new SnapshotReported(to, delivered));
    return this;
  }

  private static void closeView(Transfer t) {
    if (t.view != null) {
      t.view.close();
      t.view = null;
    }
  }
}
