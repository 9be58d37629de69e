package io.akkaetcd.raft;

/** State that must reach stable storage before any message of the same Ready is sent (paper figure 2). */
public record HardState(long term, long vote, long commit) {
    public static final HardState EMPTY = new HardState(0, RaftNode.NONE, 0);
}
