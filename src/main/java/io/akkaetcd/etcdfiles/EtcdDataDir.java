package io.akkaetcd.etcdfiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import io.akkaetcd.api.InternalRaftRequest;
import io.akkaetcd.api.KeyValue;
import io.akkaetcd.api.Member;
import io.akkaetcd.etcdfiles.proto.ConfState;
import io.akkaetcd.etcdfiles.proto.LeaseRecord;
import io.akkaetcd.etcdfiles.proto.RaftConfChange;
import io.akkaetcd.etcdfiles.proto.RaftEntry;
import io.akkaetcd.etcdfiles.proto.RaftSnapshot;
import io.akkaetcd.etcdfiles.proto.V2Request;
import io.akkaetcd.etcdfiles.proto.WalSnapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an etcd 3.4/3.5 data dir ({@code member/snap/db}, {@code member/wal/*.wal}, {@code member/snap/*.snap})
 * or what `etcdctl snapshot restore` writes (the same files: a db whose consistent index is the number of
 * members, a WAL of one ConfChange entry per member and a .snap at that index) into an {@link EtcdImage}.
 *
 * <p>As etcd at start: the log resumes after the backend's consistent index; the members in force there
 * are the newest .snap's ConfState with the WAL's ConfChange entries up to that index applied; each
 * member's name and URLs come from the db's members bucket when it has that ID (a restored db still holds
 * the old cluster's members, under other IDs) and else from the ConfChange's context.
 */
public final class EtcdDataDir {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ATTRIBUTES_PATH = Pattern.compile("/0/members/([0-9a-f]+)/attributes");
  /** The newest backend this reader knows: etcd 3.6 writes a storageVersion into meta, 3.4/3.5 none. */
  private static final String STORAGE_VERSION_KEY = "storageVersion";

  private EtcdDataDir() {}

  public static Path db(Path dataDir) {
    return dataDir.resolve("member").resolve("snap").resolve("db");
  }

  /** @param walDir where the .wal files are: {@code member/wal}, or etcd's --wal-dir */
  public static EtcdImage read(Path dataDir, Path walDir) {
    Path db = db(dataDir);
    EtcdWalReader.Contents wal = EtcdWalReader.read(walDir);
    Optional<RaftSnapshot> snap = EtcdSnapFiles.latest(db.getParent());
    Backend be = readBackend(db);

    long snapIndex = snap.map(s -> s.getMetadata().getIndex()).orElse(0L);
    long start = be.consistentIndex != 0 ? be.consistentIndex : snapIndex;
    if (start < snapIndex) {
      throw new EtcdFileException(db, 0, "consistent index " + start + " is behind the snapshot at " + snapIndex);
    }
    long startTerm = termAt(start, wal, snap, walDir);

    TreeSet<Long> voters = new TreeSet<>();
    TreeSet<Long> learners = new TreeSet<>();
    snap.ifPresent(s -> {
      ConfState cs = s.getMetadata().getConfState();
      if (cs.getVotersOutgoingCount() > 0 || cs.getLearnersNextCount() > 0) {
        throw new EtcdFileException(db.getParent(), 0, "the snapshot is in a joint configuration, which etcd 3.4/3.5 never writes");
      }
      voters.addAll(cs.getVotersList());
      learners.addAll(cs.getLearnersList());
    });
    Map<Long, Member> fromContext = new LinkedHashMap<>();
    List<EtcdImage.ImportedEntry> after = new ArrayList<>();
    for (RaftEntry e : wal.entries()) {
      if (e.getIndex() <= snapIndex) {
        // The snapshot's ConfState has these changes already; their contexts still name the members
        // (after `snapshot restore`, the only place the new cluster's names and URLs are, besides the v2 store).
        if (e.getType() == 1 && decode(e, walDir) instanceof EtcdImage.MembershipChange cc && cc.member() != null) {
          fromContext.put(cc.nodeId(), cc.member());
        }
        continue;
      }
      EtcdImage.ImportedEntry decoded = decode(e, walDir);
      if (e.getIndex() <= start) {
        if (decoded instanceof EtcdImage.MembershipChange cc) {
          applyChange(cc, voters, learners, fromContext);
        }
      } else {
        long expected = after.isEmpty() ? start + 1 : after.get(after.size() - 1).index() + 1;
        if (e.getIndex() != expected) {
          throw new EtcdFileException(walDir, 0, "the log has a gap: entry " + expected + " is missing");
        }
        after.add(decoded);
      }
    }
    Map<Long, Member> members = new TreeMap<>();
    for (long id : union(voters, learners)) {
      Member m = be.members.getOrDefault(id, fromContext.get(id));
      if (m == null) {
        throw new EtcdFileException(db, 0, "member " + Long.toHexString(id) + " is in the configuration but its "
            + "name and URLs are neither in the members bucket nor in the WAL");
      }
      members.put(id, m.toBuilder().setIsLearner(learners.contains(id)).build());
    }
    if (!members.containsKey(wal.nodeId())) {
      throw new EtcdFileException(walDir, 0, "this member (" + Long.toHexString(wal.nodeId())
          + ", from the WAL's metadata) is not in the configuration " + voters + " " + learners);
    }
    long commit = Math.max(wal.hardState().getCommit(), start);
    return new EtcdImage(dataDir, wal.nodeId(), wal.clusterId(), wal.hardState().getTerm(), wal.hardState().getVote(),
        commit, start, startTerm, voters, learners, members, after, Math.max(be.lastRevision, be.compactRevision),
        be.compactRevision, be.leases, new EtcdImage.Auth(be.authEnabled, be.authRevision, be.users, be.roles),
        be.alarms, db, be.keyCount);
  }

  private static TreeSet<Long> union(TreeSet<Long> a, TreeSet<Long> b) {
    TreeSet<Long> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }

  private static void applyChange(EtcdImage.MembershipChange cc, TreeSet<Long> voters, TreeSet<Long> learners,
      Map<Long, Member> fromContext) {
    switch (cc.type()) {
      case 0 -> {
        learners.remove(cc.nodeId());
        voters.add(cc.nodeId());
      }
      case 1 -> {
        voters.remove(cc.nodeId());
        learners.remove(cc.nodeId());
      }
      case 3 -> {
        voters.remove(cc.nodeId());
        learners.add(cc.nodeId());
      }
      default -> {
      }
    }
    if (cc.member() != null) {
      fromContext.put(cc.nodeId(), cc.member());
    }
  }

  /** The term of the entry at {@code index}: from the WAL's entries, a WAL snapshot record or the .snap. */
  private static long termAt(long index, EtcdWalReader.Contents wal, Optional<RaftSnapshot> snap, Path walDir) {
    for (RaftEntry e : wal.entries()) {
      if (e.getIndex() == index) {
        return e.getTerm();
      }
    }
    for (WalSnapshot s : wal.snapshots()) {
      if (s.getIndex() == index) {
        return s.getTerm();
      }
    }
    if (snap.isPresent() && snap.get().getMetadata().getIndex() == index) {
      return snap.get().getMetadata().getTerm();
    }
    if (index == 0) {
      return 0;
    }
    throw new EtcdFileException(walDir, 0, "neither the WAL nor a snapshot holds the entry at the backend's "
        + "consistent index " + index);
  }

  private static EtcdImage.ImportedEntry decode(RaftEntry e, Path walDir) {
    long i = e.getIndex();
    long t = e.getTerm();
    byte[] data = e.getData().toByteArray();
    try {
      switch (e.getType()) {
        case 0 -> {
          if (data.length == 0) {
            return new EtcdImage.NoOp(i, t, "empty entry");
          }
          if (isV3Request(data)) {
            return new EtcdImage.V3Request(i, t, data);
          }
          // As etcd: what is not an InternalRaftRequest is a v2 Request (their wire types differ).
          V2Request v2 = V2Request.parseFrom(data);
          Matcher m = ATTRIBUTES_PATH.matcher(v2.getPath());
          if ("PUT".equals(v2.getMethod()) && m.matches()) {
            JsonNode attrs = JSON.readTree(v2.getVal());
            Member.Builder b = Member.newBuilder().setID(Long.parseUnsignedLong(m.group(1), 16))
                .setName(attrs.path("name").asText(""));
            attrs.path("clientURLs").forEach(u -> b.addClientURLs(u.asText()));
            return new EtcdImage.MemberAttributes(i, t, b.build());
          }
          return new EtcdImage.NoOp(i, t, "v2 " + v2.getMethod() + " " + v2.getPath());
        }
        case 1 -> {
          RaftConfChange cc = RaftConfChange.parseFrom(data);
          Member m = cc.getContext().isEmpty() ? null : memberJson(cc.getContext().toByteArray());
          return new EtcdImage.MembershipChange(i, t, cc.getType(), cc.getNodeId(), m);
        }
        default -> throw new EtcdFileException(walDir, 0, "entry " + i + " has type " + e.getType()
            + ", which etcd 3.4/3.5 servers never write (ConfChangeV2?)");
      }
    } catch (IOException ex) {
      throw new EtcdFileException(walDir, 0, "entry " + i + " is undecodable: " + ex.getMessage(), ex);
    }
  }

  private static boolean isV3Request(byte[] data) {
    try {
      return InternalRaftRequest.parseFrom(data).getUnknownFields().asMap().isEmpty();
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }

  /** membership.Member as etcd marshals it: {"id", "peerURLs", "isLearner", "name", "clientURLs"}. */
  static Member memberJson(byte[] json) throws IOException {
    JsonNode n = JSON.readTree(json);
    Member.Builder b = Member.newBuilder().setID(Long.parseUnsignedLong(n.path("id").asText("0")))
        .setName(n.path("name").asText("")).setIsLearner(n.path("isLearner").asBoolean(false));
    n.path("peerURLs").forEach(u -> b.addPeerURLs(u.asText()));
    n.path("clientURLs").forEach(u -> b.addClientURLs(u.asText()));
    return b.build();
  }

  /** What the bolt file holds besides the keys themselves. */
  private static final class Backend {
    long consistentIndex;
    long compactRevision = -1;
    long lastRevision;
    long keyCount;
    final Map<Long, Member> members = new TreeMap<>();
    final List<EtcdImage.Lease> leases = new ArrayList<>();
    final List<byte[]> alarms = new ArrayList<>();
    boolean authEnabled;
    long authRevision;
    final Map<String, byte[]> users = new TreeMap<>();
    final Map<String, byte[]> roles = new TreeMap<>();
  }

  private static Backend readBackend(Path db) {
    if (!Files.isRegularFile(db)) {
      throw new EtcdFileException(db, 0, "missing: an etcd data dir has its v3 backend here");
    }
    Backend be = new Backend();
    try (BoltReader bolt = BoltReader.open(db)) {
      if (!bolt.hasBucket("key") || !bolt.hasBucket("meta")) {
        throw new EtcdFileException(db, 0, "a bbolt file without etcd's key and meta buckets " + bolt.buckets());
      }
      bolt.forEach("meta", (k, v) -> {
        String name = new String(k, StandardCharsets.UTF_8);
        switch (name) {
          case "consistent_index" -> be.consistentIndex = long8(db, name, v);
          case "finishedCompactRev" -> be.compactRevision = revisionMain(db, name, v);
          case STORAGE_VERSION_KEY -> throw new EtcdFileException(db, 0, "written by a newer etcd (storage version "
              + new String(v, StandardCharsets.UTF_8) + "); this member reads etcd 3.4 and 3.5 data");
          default -> {
          }
        }
      });
      bolt.forEach("key", (k, v) -> {
        if ((k.length != 17 && k.length != 18) || k[8] != '_' || (k.length == 18 && k[17] != 't')) {
          throw new EtcdFileException(db, 0, "key bucket entry " + hex(k) + " is not a revision");
        }
        try {
          KeyValue.parseFrom(v);
        } catch (InvalidProtocolBufferException e) {
          throw new EtcdFileException(db, 0, "the value at revision " + ByteBuffer.wrap(k).getLong(0)
              + " is not an mvccpb.KeyValue");
        }
        be.lastRevision = Math.max(be.lastRevision, ByteBuffer.wrap(k).getLong(0));
        be.keyCount++;
      });
      bolt.forEach("lease", (k, v) -> {
        try {
          LeaseRecord l = LeaseRecord.parseFrom(v);
          be.leases.add(new EtcdImage.Lease(l.getId(), l.getTtl(), l.getRemainingTtl()));
        } catch (InvalidProtocolBufferException e) {
          throw new EtcdFileException(db, 0, "lease bucket entry " + hex(k) + " is not a leasepb.Lease");
        }
      });
      bolt.forEach("members", (k, v) -> {
        try {
          Member m = memberJson(v);
          be.members.put(m.getID(), m);
        } catch (IOException | NumberFormatException e) {
          throw new EtcdFileException(db, 0, "members bucket entry " + new String(k, StandardCharsets.UTF_8)
              + " is not a member's JSON");
        }
      });
      bolt.forEach("alarm", (k, v) -> be.alarms.add(k));
      bolt.forEach("auth", (k, v) -> {
        String name = new String(k, StandardCharsets.UTF_8);
        if (name.equals("authEnabled")) {
          be.authEnabled = v.length == 1 && v[0] == 1;
        } else if (name.equals("authRevision")) {
          be.authRevision = long8(db, name, v);
        }
      });
      bolt.forEach("authUsers", (k, v) -> be.users.put(new String(k, StandardCharsets.UTF_8), v));
      bolt.forEach("authRoles", (k, v) -> be.roles.put(new String(k, StandardCharsets.UTF_8), v));
    }
    return be;
  }

  private static long long8(Path db, String name, byte[] v) {
    if (v.length != 8) {
      throw new EtcdFileException(db, 0, "meta " + name + " has " + v.length + " bytes, not 8");
    }
    return ByteBuffer.wrap(v).getLong();
  }

  private static long revisionMain(Path db, String name, byte[] v) {
    if (v.length != 17 || v[8] != '_') {
      throw new EtcdFileException(db, 0, "meta " + name + " is not a revision");
    }
    return ByteBuffer.wrap(v).getLong();
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02x", x));
    }
    return s.toString();
  }
}
