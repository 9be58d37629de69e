package io.akkaetcd.store;

import io.akkaetcd.mvcc.Backend;
import io.akkaetcd.lease.Lessor;
import io.akkaetcd.mvcc.LeaseHooks;
import io.akkaetcd.mvcc.MvccStore;
import io.akkaetcd.mvcc.WriteBatch;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The store actor's state: the backend and the MVCC store over it. A snapshot from the leader replaces
 * the backend's whole content, after which the MVCC store is opened again over it.
 */
public final class StoreState {
  /** Builds the lease state machine over a (re)opened backend: leases come back before the keys attach. */
  public interface LeaseFactory {
    Lessor openLessor(Backend backend);

    LeaseApplier applier(Lessor lessor, MvccStore mvcc);
  }

  private final Backend backend;
  private final LeaseFactory leases;
  private final long quotaBackendBytes;
  private final long clusterId;
  private final long memberId;
  private final MemberDirectory members;
  private Applier applier;

  /** {@code leases} null: no lease service (only lease 0 exists), as the KV-only tests need. */
  public StoreState(Backend backend, LeaseFactory leases, long quotaBackendBytes, long clusterId, long memberId,
      MemberDirectory members) {
    this.members = members;
    this.backend = backend;
    this.leases = leases;
    this.quotaBackendBytes = quotaBackendBytes;
    this.clusterId = clusterId;
    this.memberId = memberId;
    this.applier = open();
  }

  private Applier open() {
    members.load(backend);
    if (leases == null) {
      return new Applier(MvccStore.open(backend, LeaseHooks.NONE), backend, quotaBackendBytes, clusterId, memberId,
          members, null);
    }
    Lessor lessor = leases.openLessor(backend);
    MvccStore mvcc = MvccStore.open(backend, lessor);
    return new Applier(mvcc, backend, quotaBackendBytes, clusterId, memberId, members, leases.applier(lessor, mvcc));
  }

  public Applier applier() {
    return applier;
  }

  /** Every backend pair, length-prefixed: what a follower needs to become this store (with its consistent index). */
  byte[] dump() {
    applier.mvcc().commit(true);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    backend.scan(new byte[0], null, (k, v) -> {
      try {
        out.writeInt(k.length);
        out.write(k);
        out.writeInt(v.length);
        out.write(v);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    return bytes.toByteArray();
  }

  void restore(byte[] data) {
    WriteBatch batch = new WriteBatch();
    backend.scan(new byte[0], null, (k, v) -> batch.delete(k));
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data))) {
      while (in.available() > 0) {
        byte[] k = in.readNBytes(in.readInt());
        byte[] v = in.readNBytes(in.readInt());
        batch.put(k, v);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    backend.write(batch, true);
    applier = open();
  }
}
