package io.akkaetcd.server;

import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.etcdfiles.EtcdDataDir;
import io.akkaetcd.etcdfiles.EtcdImage;
import io.akkaetcd.etcdfiles.EtcdSnapFiles;
import io.akkaetcd.etcdfiles.EtcdWalReader;
import io.akkaetcd.mvcc.BackendImport;
import io.akkaetcd.storage.LevelDbBackend;
import io.akkaetcd.cluster.RaftActor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a member's store over its data dir, telling the layouts apart: this project's
 * ({@code member/kv}, the MVCC backend, and {@code member/raft-journal}, the WAL actor's journal), or an etcd 3.4/3.5 member's
 * ({@code member/snap/db}, {@code member/wal/*.wal}, {@code member/snap/*.snap}, also what `etcdctl
 * snapshot restore` writes). An etcd dir is read whole before anything is created, imported once and then
 * started from as this project's store; its files are left as they are. The imported Raft log is handed to
 * the Raft actor, whose WAL actor journals it if its journal is empty; until the member has served once
 * (see {@link BackendImport#markLogJournaled}) every start hands it the imported log again, so a crash that
 * leaves an empty journal behind the import does not start without it. A dir with both layouts (and no
 * record of an import) is refused.
 */
final class DataDirStart {
  private static final Logger log = LoggerFactory.getLogger(DataDirStart.class);

  /**
   * @param initialLog the imported Raft log to journal at first start (null: none, or already journaled)
   * @param imported the store came from etcd's files (now, or at an earlier start)
   */
  record Stores(LevelDbBackend backend, RaftActor.InitialLog initialLog, boolean imported) {}

  private DataDirStart() {}

  /** @param walDir --wal-dir, or member/wal: where an etcd dir's .wal files are */
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
      RaftActor.InitialLog initialLog = null;
      if (image != null) {
        initialLog = EtcdImport.write(image, backend);
        imported = BackendImport.imported(backend);
      } else if (imported != null) {
        log.info("starting from the store imported from {}", imported.description());
        if (etcdFiles && !BackendImport.logJournaled(backend)) {
          // The store is complete; its log may not be journaled yet (a crash before the member first served).
          log.info("the Raft log imported from {} may not be journaled yet; reading it again", member);
          initialLog = EtcdImport.initialLog(EtcdDataDir.read(dataDir, walDir), new io.akkaetcd.mvcc.WriteBatch());
        }
      }
      return new Stores(backend, initialLog, imported != null);
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
