package io.akkaetcd.wal;

import akka.dispatch.Futures;
import akka.persistence.AtomicWrite;
import akka.persistence.PersistentRepr;
import akka.persistence.journal.japi.AsyncWriteJournal;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import com.typesafe.config.Config;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;
import scala.concurrent.Future;

/**
 * An Akka Persistence journal on LevelDB (leveldbjni) for a Raft log, configured as {@code akka-etcd.wal-journal}.
 * Akka's bundled LevelDB journal is deprecated; this one is written for what a WAL needs:
 * <ul>
 *   <li>group commit: every event of one {@code asyncWriteMessages} call goes into one LevelDB write batch,
 *       written with one fsync (none if every event in it says it needs none, see {@link WalEvent#needsSync});</li>
 *   <li>a CRC32C per stored event, checked at replay: a mismatch fails the recovery naming the directory,
 *       persistence id and sequence number, it never skips the event;</li>
 *   <li>prefix deletion ({@code asyncDeleteMessagesTo}) in one batch, remembering the highest sequence number.</li>
 * </ul>
 * Keys: {@code 'e' pid 0x00 seqNr(8, big-endian)} holds {@code crc32c(4) | PersistentRepr serialized by Akka}
 * (the payload by its bound serializer, {@link WalEventSerializer} for WAL events); {@code 'h' pid} the highest
 * sequence number written, {@code 'd' pid} the highest deleted. All calls run on the journal actor's thread
 * (a dedicated dispatcher: they block in LevelDB) and return completed futures.
 */
public final class WalJournal extends AsyncWriteJournal {
  private static final WriteOptions SYNC = new WriteOptions().sync(true);
  private static final WriteOptions NO_SYNC = new WriteOptions().sync(false);
  private static final Iterable<Optional<Exception>> NONE_REJECTED = List.of();

  /**
   * Free space a write leaves at least, for what LevelDB writes after it: the mmap'd log region it grows by
   * (up to 1 MiB), a memtable flushed to a table (4 MiB), a level-0 compaction. leveldbjni's LevelDB writes
   * its files through mmap, so a full disk is not an error it returns but SIGBUS in native code, which kills
   * the JVM with no word on why; checked before each write, a full disk is a failed write instead, and the
   * member fail-stops with the reason (etcd's WAL sees ENOSPC when it preallocates its next segment).
   */
  static final long RESERVE_BYTES = 16L << 20;

  private final Path dir;
  private final java.nio.file.FileStore disk;
  private final DB db;
  private final Serialization serialization;
  private final WalMetrics metrics;

  public WalJournal(Config config) throws IOException {
    String configured = config.getString("dir");
    if (configured.isEmpty()) throw new IllegalArgumentException("akka-etcd.wal-journal.dir is not set");
    this.dir = Path.of(configured);
    Files.createDirectories(dir);
    this.disk = Files.getFileStore(dir);
    // Paranoid: LevelDB otherwise drops a corrupt record of its own log at open, silently losing acknowledged writes.
    try {
      this.db = JniDBFactory.factory.open(dir.toFile(), new Options().createIfMissing(true).paranoidChecks(true));
    } catch (IOException | RuntimeException e) {
      throw new IOException("WAL journal " + dir + ": cannot open: " + e.getMessage(), e);
    }
    this.serialization = SerializationExtension.get(context().system());
    this.metrics = WalMetrics.get(context().system());
  }

  @Override
  public void postStop() throws Exception {
    db.close();
    super.postStop();
  }

  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
    List<Optional<Exception>> results = new ArrayList<>();
    boolean anyRejected = false;
    boolean sync = false;
    Map<String, Long> highest = new HashMap<>();
    long batchBytes = 0;
    try (WriteBatch batch = db.createWriteBatch()) {
      for (AtomicWrite write : messages) {
        List<byte[][]> records = new ArrayList<>();
        try {
          for (PersistentRepr repr : scala.jdk.javaapi.CollectionConverters.asJava(write.payload())) {
            records.add(new byte[][] {eventKey(repr.persistenceId(), repr.sequenceNr()), record(repr)});
          }
        } catch (RuntimeException e) {
          // Not written at all, so not replayed: Akka reports it to the writer as a rejection.
          results.add(Optional.of(e));
          anyRejected = true;
          continue;
        }
        for (byte[][] r : records) {
          batch.put(r[0], r[1]);
          batchBytes += r[0].length + r[1].length;
        }
        for (PersistentRepr repr : scala.jdk.javaapi.CollectionConverters.asJava(write.payload())) {
          sync |= !(repr.payload() instanceof WalEvent e) || e.needsSync();
        }
        highest.merge(write.persistenceId(), write.highestSequenceNr(), Math::max);
        results.add(Optional.empty());
      }
      if (!highest.isEmpty()) {
        checkSpace(batchBytes);
        highest.forEach((pid, seq) -> batch.put(key('h', pid), longBytes(seq)));
        if (sync) {
          long start = System.nanoTime();
          db.write(batch, SYNC);
          metrics.fsyncDuration().observeNanos(System.nanoTime() - start);
        } else {
          db.write(batch, NO_SYNC);
        }
      }
    } catch (IOException | RuntimeException e) {
      return Futures.failed(new IOException("WAL journal " + dir + ": write failed: " + e.getMessage(), e));
    }
    return Futures.successful(anyRejected ? results : NONE_REJECTED);
  }

  private void checkSpace(long batchBytes) throws IOException {
    long usable = disk.getUsableSpace();
    if (usable < batchBytes + RESERVE_BYTES) {
      throw new IOException("No space left on device (ENOSPC): " + usable + " bytes free, a write of " + batchBytes
          + " needs " + (batchBytes + RESERVE_BYTES) + " with LevelDB's reserve");
    }
  }

  private byte[] record(PersistentRepr repr) {
    byte[] body = serialization.serialize(repr).get();
    CRC32C crc = new CRC32C();
    crc.update(body);
    return ByteBuffer.allocate(4 + body.length).putInt((int) crc.getValue()).put(body).array();
  }

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    long highest = readHighest(persistenceId);
    long to = Math.min(toSequenceNr, highest);
    byte[] prefix = eventPrefix(persistenceId);
    try (WriteBatch batch = db.createWriteBatch(); DBIterator it = db.iterator()) {
      for (it.seek(prefix); it.hasNext(); it.next()) {
        byte[] k = it.peekNext().getKey();
        if (!startsWith(k, prefix) || seqNr(k) > to) break;
        batch.delete(k);
      }
      batch.put(key('d', persistenceId), longBytes(Math.max(to, readLong(key('d', persistenceId)))));
      // Unsynced: if a crash loses it, replay sees the old prefix again, which the snapshot event supersedes.
      db.write(batch, NO_SYNC);
    } catch (IOException | RuntimeException e) {
      return Futures.failed(new IOException("WAL journal " + dir + ": delete failed", e));
    }
    return Futures.successful(null);
  }

  @Override
  public Future<Void> doAsyncReplayMessages(String persistenceId, long fromSequenceNr, long toSequenceNr, long max,
      Consumer<PersistentRepr> replayCallback) {
    byte[] prefix = eventPrefix(persistenceId);
    long expected = -1;
    long count = 0;
    try (DBIterator it = db.iterator()) {
      for (it.seek(eventKey(persistenceId, Math.max(1, fromSequenceNr))); it.hasNext() && count < max; it.next()) {
        Map.Entry<byte[], byte[]> e = it.peekNext();
        if (!startsWith(e.getKey(), prefix)) break;
        long seq = seqNr(e.getKey());
        if (seq > toSequenceNr) break;
        if (expected >= 0 && seq != expected) {
          throw corrupt(persistenceId, expected, "missing (next stored is " + seq + ")");
        }
        PersistentRepr repr = decode(persistenceId, seq, e.getValue());
        replayCallback.accept(repr);
        expected = seq + 1;
        count++;
      }
    } catch (IOException | RuntimeException e) {
      return Futures.failed(e);
    }
    return Futures.successful(null);
  }

  private PersistentRepr decode(String persistenceId, long seq, byte[] value) {
    if (value.length < 4) throw corrupt(persistenceId, seq, "truncated");
    CRC32C crc = new CRC32C();
    crc.update(value, 4, value.length - 4);
    if ((int) crc.getValue() != ByteBuffer.wrap(value).getInt()) throw corrupt(persistenceId, seq, "checksum mismatch");
    PersistentRepr repr;
    try {
      repr = serialization.deserialize(Arrays.copyOfRange(value, 4, value.length), PersistentRepr.class).get();
    } catch (RuntimeException e) {
      throw corrupt(persistenceId, seq, "undecodable: " + e);
    }
    if (repr.sequenceNr() != seq || !repr.persistenceId().equals(persistenceId)) {
      throw corrupt(persistenceId, seq, "holds event " + repr.sequenceNr() + " of " + repr.persistenceId());
    }
    return repr;
  }

  private IllegalStateException corrupt(String persistenceId, long seq, String what) {
    return new IllegalStateException("WAL journal " + dir + File.separator + ": event " + seq + " of "
        + persistenceId + " is corrupt (" + what + ")");
  }

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    try {
      return Futures.successful(readHighest(persistenceId));
    } catch (RuntimeException e) {
      return Futures.failed(e);
    }
  }

  private long readHighest(String persistenceId) {
    return Math.max(readLong(key('h', persistenceId)), readLong(key('d', persistenceId)));
  }

  private long readLong(byte[] k) {
    byte[] v = db.get(k);
    return v == null ? 0 : ByteBuffer.wrap(v).getLong();
  }

  private static byte[] key(char kind, String persistenceId) {
    byte[] pid = persistenceId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + pid.length).put((byte) kind).put(pid).array();
  }

  private static byte[] eventPrefix(String persistenceId) {
    byte[] pid = persistenceId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(2 + pid.length).put((byte) 'e').put(pid).put((byte) 0).array();
  }

  private static byte[] eventKey(String persistenceId, long seqNr) {
    byte[] prefix = eventPrefix(persistenceId);
    return ByteBuffer.allocate(prefix.length + 8).put(prefix).putLong(seqNr).array();
  }

  private static long seqNr(byte[] eventKey) {
    return ByteBuffer.wrap(eventKey, eventKey.length - 8, 8).getLong();
  }

  private static boolean startsWith(byte[] k, byte[] prefix) {
    return k.length == prefix.length + 8 && Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static byte[] longBytes(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }
}
