package io.akkaetcd.raft;

/**
 * A state-machine snapshot: everything up to and including {@code index} (whose term is {@code term}), the
 * membership in force at that index, and the application's data, opaque to Raft (paper §7).
 */
public record Snapshot(long index, long term, Configuration configuration, byte[] data) {

    public Snapshot {
        if (configuration == null) configuration = Configuration.EMPTY;
        if (data == null) data = new byte[0];
    }

    public boolean isEmpty() {
        return index == 0;
    }

    @Override
    public String toString() {
        return "Snapshot[" + index + "@" + term + " " + configuration + " " + data.length + "B]";
    }
}
