package io.akkaetcd.server;

import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.Member;
import io.akkaetcd.etcdfiles.EtcdImage;
import io.akkaetcd.mvcc.Backend;
import io.akkaetcd.mvcc.BackendImport;
import io.akkaetcd.mvcc.WriteBatch;
import io.akkaetcd.raft.ConfChange;
import io.akkaetcd.raft.Configuration;
import io.akkaetcd.raft.HardState;
import io.akkaetcd.raft.LogEntry;
import io.akkaetcd.raft.Snapshot;
import io.akkaetcd.cluster.RaftActor;
import io.akkaetcd.mvcc.Schema;
import io.akkaetcd.store.MemberIdentity;
import io.akkaetcd.store.MemberDirectory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lays an {@link EtcdImage} into this member's own store, as etcd's restore lays a snapshot into a new
 * member: the MVCC backend gets every revision, the leases, members and alarms and the consistent
 * index; the Raft log starts at a snapshot at that index, with the imported configuration, followed by
 * the etcd log's later entries (translated one for one, so indexes and terms stay etcd's and members
 * imported from one cluster agree on their logs). The mark that the import is complete is written last.
 */
public final class EtcdImport {
  private static final Logger log = LoggerFactory.getLogger(EtcdImport.class);
  private static final int BATCH_PAIRS = 10_000;

  private EtcdImport() {}

  /** @return the Raft log to start from, which the WAL actor journals at first start (see {@link RaftActor.InitialLog}) */
  public static RaftActor.InitialLog write(EtcdImage image, Backend backend) {
    WriteBatch[] batch = {new WriteBatch()};
    int[] pending = {0};
    image.forEachRevision((k, v) -> {
      BackendImport.revision(batch[0], k, v);
      if (++pending[0] == BATCH_PAIRS) {
        backend.write(batch[0], false);
        batch[0] = new WriteBatch();
        pending[0] = 0;
      }
    });
    WriteBatch rest = batch[0];
    BackendImport.meta(rest, image.currentRevision(), image.compactRevision(), image.startIndex());
    image.leases().forEach(l -> BackendImport.lease(rest, l.id(), l.ttlSeconds(), l.remainingTtlSeconds()));
    image.members().values().forEach(m -> MemberDirectory.write(rest, m));
    image.alarms().forEach(a -> rest.put(Schema.Bucket.ALARM.key(a), new byte[0]));
    writeAuth(rest, image.auth());
    RaftActor.InitialLog initialLog = initialLog(image, rest);
    backend.write(rest, true);

    MemberIdentity.storeAtBootstrap(backend, new MemberIdentity(image.memberId(), image.clusterId()));
    WriteBatch done = new WriteBatch();
    BackendImport.markImported(done, image.memberId(), image.clusterId(),
        "etcd data dir " + image.dataDir() + ", consistent index " + image.startIndex());
    backend.write(done, true);
    log.info("imported etcd data: member-id={} cluster-id={} members={} keys={} current-revision={} "
            + "compact-revision={} leases={} consistent-index={} term={} later-entries={}",
        Long.toHexString(image.memberId()), Long.toHexString(image.clusterId()), image.members().size(),
        image.keyCount(), image.currentRevision(), image.compactRevision(), image.leases().size(),
        image.startIndex(), image.startTerm(), initialLog.entries().size());
    return initialLog;
  }

  /**
   * The imported Raft log: a snapshot at the backend's consistent index in the imported configuration, then
   * etcd's later entries, translated; the member records their changes carry go into {@code records}.
   */
  static RaftActor.InitialLog initialLog(EtcdImage image, WriteBatch records) {
    List<LogEntry> entries = new ArrayList<>();
    for (EtcdImage.ImportedEntry e : image.entriesAfter()) {
      entries.add(translate(e, image, records));
    }
    Configuration conf = new Configuration(image.voters(), image.learners());
    return new RaftActor.InitialLog(new Snapshot(image.startIndex(), image.startTerm(), conf, new byte[0]), entries,
        new HardState(image.term(), image.vote(), image.commit()));
  }

  /** etcd's auth buckets with etcd's encodings, where the store's auth keeps them (Schema's AUTH buckets). */
  private static void writeAuth(WriteBatch batch, EtcdImage.Auth auth) {
    if (auth.users().isEmpty() && auth.roles().isEmpty() && !auth.enabled() && auth.revision() == 0) {
      return;
    }
    batch.put(Schema.Bucket.AUTH.key("authEnabled".getBytes(StandardCharsets.US_ASCII)),
        new byte[] {(byte) (auth.enabled() ? 1 : 0)});
    batch.put(Schema.Bucket.AUTH.key("authRevision".getBytes(StandardCharsets.US_ASCII)),
        ByteBuffer.allocate(8).putLong(auth.revision()).array());
    auth.roles().forEach((name, role) -> batch.put(Schema.Bucket.AUTH_ROLES.key(name.getBytes(StandardCharsets.UTF_8)), role));
    auth.users().forEach((name, user) -> batch.put(Schema.Bucket.AUTH_USERS.key(name.getBytes(StandardCharsets.UTF_8)), user));
  }

  private static LogEntry translate(EtcdImage.ImportedEntry e, EtcdImage image, WriteBatch batch) {
    if (e instanceof EtcdImage.V3Request r) {
      return LogEntry.normal(r.index(), r.term(), r.request());
    }
    if (e instanceof EtcdImage.MemberAttributes a) {
      // etcd's v2 publish carries name and client URLs only; this member's record holds the peer URLs too.
      Member known = image.members().get(a.member().getID());
      Member merged = known == null ? a.member() : known.toBuilder().setName(a.member().getName())
          .clearClientURLs().addAllClientURLs(a.member().getClientURLsList()).build();
      return LogEntry.normal(a.index(), a.term(),
          InternalRaftRequest.newBuilder().setMemberAttributes(merged).build().toByteArray());
    }
    if (e instanceof EtcdImage.MembershipChange c) {
      if (c.member() != null && c.type() != 1) {
        MemberDirectory.write(batch, c.member()); // our member add records the URLs before the change itself
      }
      ConfChange.Type type = switch (c.type()) {
        case 0 -> ConfChange.Type.ADD_VOTER;
        case 1 -> ConfChange.Type.REMOVE_NODE;
        case 3 -> ConfChange.Type.ADD_LEARNER;
        default -> null; // an update of a member's peer URLs: its record above is all it changes
      };
      return type == null ? LogEntry.normal(c.index(), c.term(), new byte[0])
          : new LogEntry(c.index(), c.term(), LogEntry.EntryType.CONF_CHANGE, new ConfChange(type, c.nodeId()).encode());
    }
    return LogEntry.normal(e.index(), e.term(), new byte[0]); // a no-op, or a v2 write not served here
  }
}
