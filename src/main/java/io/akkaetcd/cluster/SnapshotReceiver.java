package io.akkaetcd.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.akkaetcd.cluster.proto.PeerMessage;
import io.akkaetcd.cluster.proto.SnapshotAckProto;
import io.akkaetcd.cluster.proto.SnapshotChunkProto;
import io.akkaetcd.raft.InstallSnapshotRequest;
import io.akkaetcd.raftlog.RaftLogCodec;
import io.akkaetcd.raft.Snapshot;
import io.akkaetcd.storage.SnapshotStaging;
import io.akkaetcd.store.StoreActor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The follower's side of streamed snapshots: chunks from {@link SnapshotSender} are written, in order,
 * into a {@link SnapshotStaging} directory beside the live store and acknowledged once written, so the
 * follower holds no more of the snapshot in memory than the chunk at hand. After the last chunk the
 * staged store is synced and handed to the store actor, which swaps it in; only then is Raft given
 * the snapshot's metadata, and only then is the leader told it was installed.
 *
 * <p>One transfer at a time; chunk 0 of a new transfer replaces an unfinished one (the leader gave up
 * on it). A chunk out of order or of an unknown transfer is refused, which makes the leader report
 * the snapshot failed at once instead of waiting for its timeout.
 */
public final class SnapshotReceiver extends AbstractBehavior<SnapshotReceiver.Command> {

  public sealed interface Command {}

  /** A chunk, from the peer inbox. */
  public record ChunkReceived(PeerMessage message) implements Command {}

  private record Installed(PeerMessage lastChunk, Snapshot metadata, StoreActor.SnapshotInstalled result)
      implements Command {}

  private final Path liveDir;
  private final ActorRef<StoreActor.Command> store;
  private final ActorRef<RaftActor.Command> raft;
  private final PeerSender peers;
  private final Duration installTimeout;
  private SnapshotStaging staging;
  private long transferId;
  private long nextSeq;
  private Snapshot metadata;
  private long consistentIndex;
  /** The staged store is with the store actor: nothing new starts until it answers. */
  private boolean installing;

  public static Behavior<Command> create(Path liveDir, ActorRef<StoreActor.Command> store,
      ActorRef<RaftActor.Command> raft, PeerSender peers, Duration installTimeout) {
    return Behaviors.setup(ctx -> new SnapshotReceiver(ctx, liveDir, store, raft, peers, installTimeout));
  }

  private SnapshotReceiver(ActorContext<Command> ctx, Path liveDir, ActorRef<StoreActor.Command> store,
      ActorRef<RaftActor.Command> raft, PeerSender peers, Duration installTimeout) {
    super(ctx);
    this.liveDir = liveDir;
    this.store = store;
    this.raft = raft;
    this.peers = peers;
    this.installTimeout = installTimeout;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(ChunkReceived.class, this::onChunk)
        .onMessage(Installed.class, this::onInstalled)
        .onSignal(PostStop.class, signal -> {
          abandon();
          return this;
        })
        .build();
  }

  private Behavior<Command> onChunk(ChunkReceived received) {
    PeerMessage m = received.message();
    SnapshotChunkProto chunk = m.getSnapshotChunk();
    if (installing) {
      return refuse(m, "a staged snapshot is being installed");
    }
    if (chunk.getSeq() == 0) {
      abandon();
      staging = SnapshotStaging.begin(liveDir);
      transferId = chunk.getTransferId();
      nextSeq = 0;
      metadata = RaftLogCodec.decode(chunk.getMetadata());
      consistentIndex = chunk.getConsistentIndex();
      getContext().getLog().info("receiving a snapshot at index {} (applied index {}) from {}",
          metadata.index(), consistentIndex, Long.toHexString(m.getFrom()));
    } else if (staging == null || chunk.getTransferId() != transferId || chunk.getSeq() != nextSeq) {
      if (staging != null && chunk.getTransferId() == transferId) {
        abandon();
      }
      return refuse(m, "chunk " + chunk.getSeq() + " is not the next of a transfer in progress");
    }
    try {
      List<byte[][]> pairs = new ArrayList<>(chunk.getKeysCount());
      for (int i = 0; i < chunk.getKeysCount(); i++) {
        pairs.add(new byte[][] {Bytes.array(chunk.getKeys(i)), Bytes.array(chunk.getValues(i))});
      }
      staging.write(pairs);
      nextSeq++;
      ack(m, SnapshotAckProto.newBuilder().setSeq(chunk.getSeq()));
      if (chunk.getLast()) {
        Path staged = staging.complete();
        staging = null;
        getContext().getLog().info("staged all {} chunks of the snapshot at index {}; installing it", nextSeq,
            metadata.index());
        installing = true;
        Snapshot meta = metadata;
        getContext().ask(StoreActor.SnapshotInstalled.class, store, installTimeout,
            replyTo -> new StoreActor.InstallSnapshot(staged, consistentIndex, replyTo),
            (result, failure) -> new Installed(m, meta, result));
      }
    } catch (RuntimeException e) {
      getContext().getLog().warn("cannot stage snapshot chunk {}", chunk.getSeq(), e);
      abandon();
      return refuse(m, "staging failed");
    }
    return this;
  }

  private Behavior<Command> onInstalled(Installed installed) {
    installing = false;
    PeerMessage last = installed.lastChunk();
    if (installed.result() == null) {
      return refuse(last, "the store did not install the snapshot");
    }
    // The data is in place: now Raft may move its log to the snapshot (and answer the leader).
    raft.tell(new RaftActor.SnapshotArrived(new InstallSnapshotRequest(last.getFrom(), last.getTo(),
        last.getTerm(), installed.metadata())));
    ack(last, SnapshotAckProto.newBuilder().setSeq(last.getSnapshotChunk().getSeq()).setInstalled(true));
    return this;
  }

  private Behavior<Command> refuse(PeerMessage chunk, String why) {
    getContext().getLog().warn("refusing snapshot chunk {} from {}: {}", chunk.getSnapshotChunk().getSeq(),
        Long.toHexString(chunk.getFrom()), why);
    ack(chunk, SnapshotAckProto.newBuilder().setSeq(chunk.getSnapshotChunk().getSeq()).setFailed(true));
    return this;
  }

  private void ack(PeerMessage chunk, SnapshotAckProto.Builder ack) {
    peers.send(chunk.getFrom(), PeerMessage.newBuilder().setFrom(chunk.getTo()).setTo(chunk.getFrom())
        .setTerm(chunk.getTerm()).setSnapshotAck(ack.setTransferId(chunk.getSnapshotChunk().getTransferId())).build());
  }

  private void abandon() {
    if (staging != null) {
      staging.close();
      staging = null;
    }
  }
}
