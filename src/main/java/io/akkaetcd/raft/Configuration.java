package io.akkaetcd.raft;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Membership: voters decide elections and commitment by majority; learners receive the log but neither
 * vote nor count for any quorum. Sets are sorted so iteration, and so the order of messages, is
 * deterministic.
 */
public record Configuration(SortedSet<Long> voters, SortedSet<Long> learners) {

    public static final Configuration EMPTY = new Configuration(new TreeSet<>(), new TreeSet<>());

    public Configuration {
        voters = Collections.unmodifiableSortedSet(new TreeSet<>(voters == null ? new TreeSet<>() : voters));
        learners = Collections.unmodifiableSortedSet(new TreeSet<>(learners == null ? new TreeSet<>() : learners));
        for (Long l : learners) {
            if (voters.contains(l)) throw new IllegalArgumentException(l + " is both voter and learner");
        }
    }

    public static Configuration ofVoters(Long... ids) {
        return new Configuration(new TreeSet<>(java.util.List.of(ids)), new TreeSet<>());
    }

    public int quorum() {
        return voters.size() / 2 + 1;
    }

    public boolean isVoter(long id) {
        return voters.contains(id);
    }

    public boolean isLearner(long id) {
        return learners.contains(id);
    }

    public boolean contains(long id) {
        return isVoter(id) || isLearner(id);
    }

    /** Voters then learners, each ascending. */
    public SortedSet<Long> members() {
        TreeSet<Long> all = new TreeSet<>(voters);
        all.addAll(learners);
        return all;
    }

    /**
     * The configuration after one change. Adding a voter that is a learner promotes it; adding a learner that
     * is a voter demotes it (both touch one voter only). Removing the last voter is refused (an empty
     * configuration only exists before bootstrap entries are applied).
     */
    public Configuration apply(ConfChange cc) {
        TreeSet<Long> v = new TreeSet<>(voters);
        TreeSet<Long> l = new TreeSet<>(learners);
        switch (cc.type()) {
            case ADD_VOTER -> { l.remove(cc.nodeId()); v.add(cc.nodeId()); }
            case ADD_LEARNER -> { v.remove(cc.nodeId()); l.add(cc.nodeId()); }
            case REMOVE_NODE -> { v.remove(cc.nodeId()); l.remove(cc.nodeId()); }
        }
        if (v.isEmpty() && !voters.isEmpty()) throw new IllegalArgumentException("change " + cc + " would remove the last voter");
        return new Configuration(v, l);
    }

    @Override
    public String toString() {
        return "Configuration[voters=" + voters + ", learners=" + learners + "]";
    }
}
