package io.akkaetcd.raft;

/** Roles of a member; PRE_CANDIDATE runs the pre-vote round without touching the term (thesis §9.6). */
public enum Role { FOLLOWER, PRE_CANDIDATE, CANDIDATE, LEADER }
