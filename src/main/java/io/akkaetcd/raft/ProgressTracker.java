package io.akkaetcd.raft;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The configuration together with per-member progress (leader) and votes (candidate). */
final class ProgressTracker {
    enum VoteResult { PENDING, WON, LOST }

    Configuration config;
    final Map<Long, Progress> progress = new TreeMap<>();
    private final Map<Long, Boolean> votes = new TreeMap<>();
    private final int maxInflight;

    ProgressTracker(Configuration config, int maxInflight) {
        this.maxInflight = maxInflight;
        this.config = config;
    }

    /** Switch to a new membership; new members start probing at lastIndex+1 and count as recently active. */
    void applyConfiguration(Configuration next, long lastIndex) {
        config = next;
        progress.keySet().removeIf(id -> !next.contains(id));
        votes.keySet().removeIf(id -> !next.isVoter(id));
        for (long id : next.members()) {
            progress.computeIfAbsent(id, k -> {
                Progress p = new Progress(lastIndex + 1, maxInflight);
                p.recentActive = true;
                return p;
            });
        }
    }

    /** Fresh progress for everyone, as on a term change: we know nothing about the followers' logs yet. */
    void resetProgress(long selfId, long lastIndex, long selfPersisted) {
        progress.clear();
        for (long id : config.members()) {
            Progress p = new Progress(lastIndex + 1, maxInflight);
            if (id == selfId) p.match = selfPersisted;
            progress.put(id, p);
        }
    }

    Progress get(long id) {
        return progress.get(id);
    }

    /** The highest index replicated on a majority of voters (paper §5.3); 0 without voters. */
    long committedIndex() {
        List<Long> matches = new ArrayList<>();
        for (long v : config.voters()) {
            Progress p = progress.get(v);
            matches.add(p == null ? 0 : p.match);
        }
        if (matches.isEmpty()) return 0;
        matches.sort(Collections.reverseOrder());
        return matches.get(config.quorum() - 1);
    }

    void resetVotes() {
        votes.clear();
    }

    void recordVote(long id, boolean granted) {
        if (config.isVoter(id)) votes.putIfAbsent(id, granted);
    }

    VoteResult tallyVotes() {
        int granted = 0, rejected = 0;
        for (boolean g : votes.values()) {
            if (g) granted++; else rejected++;
        }
        int q = config.quorum();
        if (granted >= q) return VoteResult.WON;
        if (config.voters().size() - rejected < q) return VoteResult.LOST;
        return VoteResult.PENDING;
    }

    /** Check quorum (thesis §6.2): did a majority of voters, counting ourselves, talk to us this round? */
    boolean quorumActive(long selfId) {
        int active = 0;
        for (long v : config.voters()) {
            Progress p = progress.get(v);
            if (v == selfId || (p != null && p.recentActive)) active++;
        }
        return active >= config.quorum();
    }

    void resetRecentActive(long selfId) {
        progress.forEach((id, p) -> p.recentActive = id == selfId);
    }

    Map<Long, Long> matchIndexes() {
        Map<Long, Long> m = new TreeMap<>();
        progress.forEach((id, p) -> m.put(id, p.match));
        return m;
    }
}
