package io.akkaetcd.server;

import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.etcdfiles.EtcdDataDir;
import io.akkaetcd.etcdfiles.EtcdImage;
import io.akkaetcd.etcdfiles.EtcdSnapFiles;
import io.akkaetcd.etcdfiles.EtcdWalReader;
import io.akkaetcd.mvcc.BackendImport;
import io.akkaetcd.storage.LevelDbBackend;
import io.akkaetcd.storage.RaftWal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a member's stores over its data dir, telling the layouts apart: this project's
 * ({@code member/kv}, the MVCC backend, and {@code member/wal}, the Raft log), or an etcd 3.4/3.5 member's
 * ({@code member/snap/db}, {@code member/wal/*.wal}, {@code member/snap/*.snap}, also what `etcdctl
 * snapshot restore` writes). An etcd dir is read whole before anything is created, imported once and then
 * started from as this project's store; its files are left as they are. A dir with both layouts (and no
 * record of an import) is refused.
 */
final class DataDirStart {
  private static final Logger log = LoggerFactory.getLogger(DataDirStart.class);

  /** @param imported the store came from etcd's files (now, or at an earlier start) */
  record Stores(LevelDbBackend backend, RaftWal wal, boolean imported) {}

  private DataDirStart() {}

  /** @param walDir --wal-dir, or member/wal: the Raft log's place, and where an etcd dir's .wal files are */
  static Stores open(MemberConfig config, Path walDir) {
    Path dataDir = config.dataDir();
    Path member = dataDir.resolve("member");
    Path kv = member.resolve("kv");
    boolean etcdFiles = hasEtcdFiles(member, walDir);
    EtcdImage image = null;
    if (etcdFiles && !Files.exists(kv)) {
      log.info("found etcd's data files in {}; importing them", member);
      image = EtcdDataDir.read(dataDir, walDir);
    }
    LevelDbBackend backend = LevelDbBackend.open(kv);
    try {
      BackendImport.Identity imported = BackendImport.imported(backend);
      if (etcdFiles && imported == null && image == null) {
        if (!BackendImport.isEmpty(backend)) {
          throw new DataDirRefusedException(dataDir + " holds both an etcd data dir (member/snap/db, member/wal/*.wal)"
              + " and this member's own store (member/kv), which was not imported from it; move one of them away");
        }
        log.info("an earlier import of {} did not finish; importing again", member);
        image = EtcdDataDir.read(dataDir, walDir);
      }
      RaftWal wal = RaftWal.open(walDir);
      try {
        if (image != null) {
          EtcdImport.write(image, backend, wal);
          imported = BackendImport.imported(backend);
        }
        if (imported != null && image == null) {
          log.info("starting from the store imported from {}", imported.description());
        }
        return new Stores(backend, wal, imported != null);
      } catch (RuntimeException e) {
        wal.close();
        throw e;
      }
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
  }

  /** etcd's files: its bolt backend, WAL segments or Raft snapshots under member/. */
  static boolean hasEtcdFiles(Path member, Path walDir) {
    return Files.exists(EtcdDataDir.db(member.getParent()))
        || (Files.isDirectory(walDir) && !EtcdWalReader.walFiles(walDir).isEmpty())
        || !EtcdSnapFiles.snapFiles(member.resolve("snap")).isEmpty();
  }
}
