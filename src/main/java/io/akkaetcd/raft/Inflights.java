package io.akkaetcd.raft;

import java.util.ArrayDeque;

/**
 * Flow-control window for one follower: the last index of each AppendEntriesRequest sent but not yet
 * acknowledged. When full, the leader stops sending appends to that follower until acknowledgements free room.
 */
final class Inflights {
    private final int capacity;
    private final ArrayDeque<Long> lastIndexes = new ArrayDeque<>();

    Inflights(int capacity) {
        this.capacity = capacity;
    }

    void add(long lastIndex) {
        if (full()) throw new IllegalStateException("inflights full");
        lastIndexes.addLast(lastIndex);
    }

    /** An acknowledgement up to index frees every message that ended at or below it. */
    void freeLE(long index) {
        while (!lastIndexes.isEmpty() && lastIndexes.peekFirst() <= index) lastIndexes.removeFirst();
    }

    void freeFirst() {
        lastIndexes.pollFirst();
    }

    boolean full() {
        return lastIndexes.size() >= capacity;
    }

    int count() {
        return lastIndexes.size();
    }

    void reset() {
        lastIndexes.clear();
    }
}
