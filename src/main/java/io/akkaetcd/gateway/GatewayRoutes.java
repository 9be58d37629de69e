package io.akkaetcd.gateway;

import java.util.Map;
import java.util.Optional;

/**
 * The HTTP paths etcd's grpc-gateway serves, each bound to the gRPC method it calls. These are the
 * {@code google.api.http} options of etcd 3.4's protos (rpc.proto, v3lock.proto, v3election.proto),
 * plus the 3.5 spellings (maintenance/hashkv, maintenance/downgrade). In 3.4 Hash and HashKV both claim
 * {@code maintenance/hash}; Hash is registered first and wins, so it does here too.
 *
 * <p>etcd 3.4 also accepts {@code /v3beta/} (rewritten to {@code /v3/} before routing) and, from 3.3,
 * {@code /v3alpha/}; all three prefixes lead to the same table.
 */
final class GatewayRoutes {
  private static final String[] PREFIXES = {"/v3/", "/v3beta/", "/v3alpha/"};

  private static final Map<String, String> GRPC_METHOD_BY_PATH = Map.ofEntries(
      Map.entry("kv/range", "etcdserverpb.KV/Range"),
      Map.entry("kv/put", "etcdserverpb.KV/Put"),
      Map.entry("kv/deleterange", "etcdserverpb.KV/DeleteRange"),
      Map.entry("kv/txn", "etcdserverpb.KV/Txn"),
      Map.entry("kv/compaction", "etcdserverpb.KV/Compact"),
      Map.entry("watch", "etcdserverpb.Watch/Watch"),
      Map.entry("lease/grant", "etcdserverpb.Lease/LeaseGrant"),
      Map.entry("lease/revoke", "etcdserverpb.Lease/LeaseRevoke"),
      Map.entry("kv/lease/revoke", "etcdserverpb.Lease/LeaseRevoke"),
      Map.entry("lease/keepalive", "etcdserverpb.Lease/LeaseKeepAlive"),
      Map.entry("lease/timetolive", "etcdserverpb.Lease/LeaseTimeToLive"),
      Map.entry("kv/lease/timetolive", "etcdserverpb.Lease/LeaseTimeToLive"),
      Map.entry("lease/leases", "etcdserverpb.Lease/LeaseLeases"),
      Map.entry("kv/lease/leases", "etcdserverpb.Lease/LeaseLeases"),
      Map.entry("cluster/member/add", "etcdserverpb.Cluster/MemberAdd"),
      Map.entry("cluster/member/remove", "etcdserverpb.Cluster/MemberRemove"),
      Map.entry("cluster/member/update", "etcdserverpb.Cluster/MemberUpdate"),
      Map.entry("cluster/member/list", "etcdserverpb.Cluster/MemberList"),
      Map.entry("cluster/member/promote", "etcdserverpb.Cluster/MemberPromote"),
      Map.entry("maintenance/alarm", "etcdserverpb.Maintenance/Alarm"),
      Map.entry("maintenance/status", "etcdserverpb.Maintenance/Status"),
      Map.entry("maintenance/defragment", "etcdserverpb.Maintenance/Defragment"),
      Map.entry("maintenance/hash", "etcdserverpb.Maintenance/Hash"),
      Map.entry("maintenance/hashkv", "etcdserverpb.Maintenance/HashKV"),
      Map.entry("maintenance/snapshot", "etcdserverpb.Maintenance/Snapshot"),
      Map.entry("maintenance/transfer-leadership", "etcdserverpb.Maintenance/MoveLeader"),
      Map.entry("maintenance/downgrade", "etcdserverpb.Maintenance/Downgrade"),
      Map.entry("auth/enable", "etcdserverpb.Auth/AuthEnable"),
      Map.entry("auth/disable", "etcdserverpb.Auth/AuthDisable"),
      Map.entry("auth/status", "etcdserverpb.Auth/AuthStatus"),
      Map.entry("auth/authenticate", "etcdserverpb.Auth/Authenticate"),
      Map.entry("auth/user/add", "etcdserverpb.Auth/UserAdd"),
      Map.entry("auth/user/get", "etcdserverpb.Auth/UserGet"),
      Map.entry("auth/user/list", "etcdserverpb.Auth/UserList"),
      Map.entry("auth/user/delete", "etcdserverpb.Auth/UserDelete"),
      Map.entry("auth/user/changepw", "etcdserverpb.Auth/UserChangePassword"),
      Map.entry("auth/user/grant", "etcdserverpb.Auth/UserGrantRole"),
      Map.entry("auth/user/revoke", "etcdserverpb.Auth/UserRevokeRole"),
      Map.entry("auth/role/add", "etcdserverpb.Auth/RoleAdd"),
      Map.entry("auth/role/get", "etcdserverpb.Auth/RoleGet"),
      Map.entry("auth/role/list", "etcdserverpb.Auth/RoleList"),
      Map.entry("auth/role/delete", "etcdserverpb.Auth/RoleDelete"),
      Map.entry("auth/role/grant", "etcdserverpb.Auth/RoleGrantPermission"),
      Map.entry("auth/role/revoke", "etcdserverpb.Auth/RoleRevokePermission"),
      Map.entry("lock/lock", "v3lockpb.Lock/Lock"),
      Map.entry("lock/unlock", "v3lockpb.Lock/Unlock"),
      Map.entry("election/campaign", "v3electionpb.Election/Campaign"),
      Map.entry("election/proclaim", "v3electionpb.Election/Proclaim"),
      Map.entry("election/leader", "v3electionpb.Election/Leader"),
      Map.entry("election/observe", "v3electionpb.Election/Observe"),
      Map.entry("election/resign", "v3electionpb.Election/Resign"));

  private GatewayRoutes() {}

  /** True if {@code path} is under one of the gateway's prefixes (so the gateway answers it, 404 or not). */
  static boolean isGatewayPath(String path) {
    return stripPrefix(path).isPresent();
  }

  /** The gRPC method ("package.Service/Method") an HTTP path calls, if the gateway knows the path. */
  static Optional<String> grpcMethod(String path) {
    return stripPrefix(path).map(GRPC_METHOD_BY_PATH::get);
  }

  private static Optional<String> stripPrefix(String path) {
    for (String prefix : PREFIXES) {
      if (path.startsWith(prefix)) {
        return Optional.of(path.substring(prefix.length()));
      }
    }
    return Optional.empty();
  }
}
