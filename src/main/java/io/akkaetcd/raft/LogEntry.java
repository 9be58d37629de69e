package io.akkaetcd.raft;

import java.util.Arrays;

/**
 * One log entry. {@code data} is opaque to Raft for NORMAL entries (an empty NORMAL entry is the no-op a new
 * leader appends, paper §5.4.2 / §8); for CONF_CHANGE entries it is {@link ConfChange#encode()}.
 * Equality compares data by content.
 */
public record LogEntry(long index, long term, EntryType type, byte[] data) {

    public enum EntryType { NORMAL, CONF_CHANGE }

    public LogEntry {
        if (type == null) type = EntryType.NORMAL;
        if (data == null) data = new byte[0];
    }

    public static LogEntry normal(long index, long term, byte[] data) {
        return new LogEntry(index, term, EntryType.NORMAL, data);
    }

    /** Rough size used for the per-message byte cap. */
    long sizeBytes() {
        return data.length + 24L;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogEntry e && e.index == index && e.term == term && e.type == type && Arrays.equals(e.data, data);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(index) * 31 + Long.hashCode(term) * 17 + type.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "LogEntry[" + index + "@" + term + (type == EntryType.CONF_CHANGE ? " conf" : "") + " " + data.length + "B]";
    }
}
