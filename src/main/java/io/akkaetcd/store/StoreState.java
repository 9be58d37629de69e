package io.akkaetcd.store;

import io.akkaetcd.auth.AuthStore;
import io.akkaetcd.auth.TokenProvider;
import io.akkaetcd.mvcc.Backend;
import io.akkaetcd.mvcc.EtcdBuckets;
import io.akkaetcd.storage.BoltWriter;
import io.akkaetcd.storage.LevelDbBackend;
import io.akkaetcd.storage.SnapshotStaging;
import io.akkaetcd.lease.Lessor;
import io.akkaetcd.mvcc.LeaseHooks;
import io.akkaetcd.mvcc.MvccCounters;
import io.akkaetcd.mvcc.MvccStore;
import io.akkaetcd.mvcc.Schema;
import io.akkaetcd.mvcc.WriteBatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The store actor's state: the backend and the MVCC store over it, the alarms, and the size etcd's
 * Status reports. A snapshot from the leader replaces the backend's whole content (see
 * {@link #install}), after which the MVCC store is opened again over it.
 *
 * <p>Size: etcd reports its bolt file, which grows with the data, keeps its size when compaction
 * frees pages, and shrinks only on defragment. LevelDB's files say little of that (a fresh store's
 * write-ahead log is preallocated to 64 KiB chunks, and LevelDB compacts in the background), so the
 * size here is an estimate of what etcd's file would hold: {@link #FIXED_BYTES} (a fresh etcd member
 * has 16 KiB in use: meta, freelist and bucket pages) plus the key bucket's bytes
 * ({@link MvccStore#keyBucketBytes}). "In use" follows the data down after a compaction; the size
 * stays at its high-water mark until {@link #defragment}. The quota is checked against the size.
 */
public final class StoreState {
  /** Builds the lease state machine over a (re)opened backend: leases come back before the keys attach. */
  public interface LeaseFactory {
    Lessor openLessor(Backend backend);

    LeaseApplier applier(Lessor lessor, MvccStore mvcc);
  }

  private final Backend backend;
  private final LeaseFactory leases;
  /** What a fresh etcd member's bolt file has in use before any key (4 pages of 4 KiB). */
  static final long FIXED_BYTES = 16 * 1024;

  private final Alarms alarms = new Alarms();
  /** Kept across reopening the store after a snapshot, as etcd's mvcc counters are process-wide. */
  private final MvccCounters counters = new MvccCounters();
  /** Written by the store actor only (a joiner learns it from the log); read by the services. */
  private volatile long clusterId;
  private final long memberId;
  private final MemberDirectory members;
  private final TokenProvider tokens;
  /** Replaced by a restore; read by services (auth view) from any thread. */
  private volatile Applier applier;
  /** Written by the store actor only; read by the services (quota, Status) from any thread. */
  private volatile long dbSizeBytes;
  private volatile long dbSizeInUseBytes;

  /** {@code leases} null: no lease service (only lease 0 exists), as the KV-only tests need. */
  public StoreState(Backend backend, LeaseFactory leases, long clusterId, long memberId, MemberDirectory members) {
    this(backend, leases, clusterId, memberId, members, TokenProvider.NONE);
  }

  /** @param tokens issues auth tokens as Authenticate entries apply */
  public StoreState(Backend backend, LeaseFactory leases, long clusterId, long memberId, MemberDirectory members,
      TokenProvider tokens) {
    this.tokens = tokens;
    this.members = members;
    this.backend = backend;
    this.leases = leases;
    this.clusterId = clusterId;
    this.memberId = memberId;
    this.applier = open();
    defragment();
  }

  private Applier open() {
    members.load(backend);
    alarms.load(backend);
    if (leases == null) {
      MvccStore mvcc = MvccStore.open(backend, LeaseHooks.NONE, counters);
      return new Applier(mvcc, clusterId, memberId, members, alarms, null, loadAuth(mvcc), tokens);
    }
    Lessor lessor = leases.openLessor(backend);
    MvccStore mvcc = MvccStore.open(backend, lessor, counters);
    return new Applier(mvcc, clusterId, memberId, members, alarms, leases.applier(lessor, mvcc), loadAuth(mvcc),
        tokens);
  }

  /** The auth store as the backend holds it; its changes are staged in {@code mvcc}'s batch. */
  private AuthStore loadAuth(MvccStore mvcc) {
    return AuthBuckets.load(backend, new AuthBuckets(mvcc));
  }

  public Applier applier() {
    return applier;
  }

  /** What the MVCC store counts for etcd's etcd_mvcc_* and etcd_debugging_mvcc_* series. */
  public MvccCounters mvccCounters() {
    return counters;
  }

  public Alarms alarms() {
    return alarms;
  }

  /** The cluster's id; 0 while a member that joined has not learned it yet. */
  public long clusterId() {
    return clusterId;
  }

  public long memberId() {
    return memberId;
  }

  /**
   * A member that joined learned its cluster's id from the log: it is kept in the meta bucket, in the
   * batch of the entry being applied. Called by the store actor only.
   */
  void learnClusterId(long id) {
    clusterId = id;
    applier.setClusterId(id);
    applier.mvcc().putInBucket(Schema.Bucket.META, META_CLUSTER_ID_NAME, MemberIdentity.encode(id));
  }

  private static final byte[] META_CLUSTER_ID_NAME =
      java.util.Arrays.copyOfRange(Schema.META_CLUSTER_ID, 1, Schema.META_CLUSTER_ID.length);

  /** etcd's Status.dbSize: the high-water mark of {@link #dbSizeInUseBytes} since the last defragment. */
  public long dbSizeBytes() {
    return dbSizeBytes;
  }

  /** etcd's Status.dbSizeInUse. */
  public long dbSizeInUseBytes() {
    return dbSizeInUseBytes;
  }

  /** Recounts the size after the store changed; called by the store actor only. */
  void refreshSize() {
    dbSizeInUseBytes = FIXED_BYTES + applier.mvcc().keyBucketBytes();
    dbSizeBytes = Math.max(dbSizeBytes, dbSizeInUseBytes);
  }

  /** As etcd's defragment, the size comes down to what is in use; called by the store actor only. */
  void defragment() {
    refreshSize();
    dbSizeBytes = dbSizeInUseBytes;
  }

  /** The backend's compaction (defragment's physical part); runs off the store actor's thread. */
  void compactBackend() {
    backend.compact();
  }

  /**
   * Maintenance.Hash: etcd hashes its whole bolt file's buckets (names, then each key and value, CRC-32C)
   * but the consistent index; this hashes the same over the buckets this store exports as etcd's
   * ({@link EtcdBuckets}: alarm, auth, authRoles, authUsers, key, lease, meta), so members holding the same
   * data agree. The value is not real etcd's for the same data, whose file also has members and cluster buckets.
   */
  int hashBuckets() {
    long start = System.nanoTime();
    applier.mvcc().commit(false);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    boolean[] inMeta = {false};
    EtcdBuckets.Sink hashing = new EtcdBuckets.Sink() {
      @Override
      public void bucket(String name) {
        inMeta[0] = name.equals("meta");
        crc.update(name.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      }

      @Override
      public void put(byte[] key, byte[] value) {
        if (inMeta[0] && java.util.Arrays.equals(key, CONSISTENT_INDEX)) {
          return;
        }
        crc.update(key);
        crc.update(value);
      }
    };
    EtcdBuckets.export(backend, sink -> AuthBuckets.export(applier.auth().view(), sink), hashing);
    counters.durations().hash(System.nanoTime() - start);
    return (int) crc.getValue();
  }

  private static final byte[] CONSISTENT_INDEX = "consistent_index".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** Everything applied so far, as one point in time that later applies do not change. */
  Backend.PointInTime openPointInTime() {
    applier.mvcc().commit(false);
    return backend.openPointInTime();
  }

  /**
   * Replaces the whole store with a complete staged snapshot from the leader and reopens everything
   * over it: keys and their index, leases, members, alarms, the consistent index. The leader's own
   * member id stays the leader's: this member's is written over it before the swap, so no crash can
   * leave this member holding the leader's identity.
   */
  void install(Path staged) {
    if (!(backend instanceof LevelDbBackend levelDb)) {
      throw new IllegalStateException("a streamed snapshot needs the LevelDB backend");
    }
    SnapshotStaging.amend(staged, Schema.META_MEMBER_ID, MemberIdentity.encode(memberId));
    levelDb.replaceWith(staged);
    MemberIdentity restored = MemberIdentity.read(backend);
    if (restored.clusterId() == 0 && clusterId != 0) {
      WriteBatch keep = new WriteBatch();
      keep.put(Schema.META_CLUSTER_ID, MemberIdentity.encode(clusterId));
      backend.write(keep, true);
    } else {
      clusterId = restored.clusterId();
    }
    applier = open();
    refreshSize();
  }

  /**
   * Writes everything applied as etcd's bolt snapshot file (what `etcdctl snapshot save` receives) and
   * returns the file's sha256, which etcd sends after the file so `snapshot restore` can check it.
   * Runs inside the store actor, so no write lands halfway through; the actor waits while it writes.
   */
  byte[] writeBoltSnapshot(Path file) {
    applier.mvcc().commit(true);
    try (BoltWriter bolt = BoltWriter.create(file)) {
      EtcdBuckets.export(backend, sink -> AuthBuckets.export(applier.auth().view(), sink), bolt);
      bolt.finish();
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return ((DigestInputStream) in).getMessageDigest().digest();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
