package io.akkaetcd.raft;

/**
 * Messages between members. Plain records (longs, lists, records, byte arrays) so a transport can serialize them
 * with Jackson. Every message carries its sender's term; a higher term always makes the receiver a follower
 * (paper §5.1), except a pre-vote request and a granted pre-vote response (thesis §9.6).
 */
public sealed interface RaftMessage permits VoteRequest, VoteResponse, AppendEntriesRequest, AppendEntriesResponse,
        HeartbeatRequest, HeartbeatResponse, InstallSnapshotRequest, InstallSnapshotResponse, TimeoutNowRequest,
        ReadIndexRequest, ReadIndexResponse {

    long from();

    long to();

    long term();
}
