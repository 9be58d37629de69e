package io.akkaetcd.raft;

import java.util.Map;

/**
 * A snapshot of a member's state, e.g. for Maintenance.Status. {@code matchIndex} is filled on the leader only.
 * {@code configuration} is the membership as of {@code applied}.
 */
public record RaftStatus(long id, long term, long vote, long commit, long applied, long lastIndex, long leaderId,
                         Role role, Configuration configuration, Map<Long, Long> matchIndex, long leadTransferee) {
}
