package io.akkaetcd.store;

/** What Maintenance.Status reports of the store. */
public record StoreStatus(long revision, long compactRevision, long dbSizeBytes, long dbSizeInUseBytes,
    long appliedIndex) {}
