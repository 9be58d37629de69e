package io.akkaetcd.errors;

/**
 * The errors etcd returns to clients, with the gRPC status code and the exact message: clients
 * (etcdctl, jetcd, Kubernetes) match on the text, so it must not change. The code is held by name so
 * that pure packages need no gRPC import; the front end maps it to a status.
 */
public enum EtcdError {
  COMPACTED("OUT_OF_RANGE", "etcdserver: mvcc: required revision has been compacted"),
  FUTURE_REV("OUT_OF_RANGE", "etcdserver: mvcc: required revision is a future revision"),
  NO_SPACE("RESOURCE_EXHAUSTED", "etcdserver: mvcc: database space exceeded"),
  CORRUPT("DATA_LOSS", "etcdserver: corrupt cluster"),
  REQUEST_TOO_LARGE("INVALID_ARGUMENT", "etcdserver: request is too large"),
  TOO_MANY_REQUESTS("RESOURCE_EXHAUSTED", "etcdserver: too many requests"),
  TOO_MANY_OPS("INVALID_ARGUMENT", "etcdserver: too many operations in txn request"),
  DUPLICATE_KEY("INVALID_ARGUMENT", "etcdserver: duplicate key given in txn request"),
  EMPTY_KEY("INVALID_ARGUMENT", "etcdserver: key is not provided"),
  KEY_NOT_FOUND("INVALID_ARGUMENT", "etcdserver: key not found"),
  VALUE_PROVIDED("INVALID_ARGUMENT", "etcdserver: value is provided"),
  LEASE_PROVIDED("INVALID_ARGUMENT", "etcdserver: lease is provided"),
  NO_LEADER("UNAVAILABLE", "etcdserver: no leader"),
  LEADER_CHANGED("UNAVAILABLE", "etcdserver: leader changed"),
  TIMEOUT("UNAVAILABLE", "etcdserver: request timed out"),
  NOT_LEADER("FAILED_PRECONDITION", "etcdserver: not leader"),
  LEASE_NOT_FOUND("NOT_FOUND", "etcdserver: requested lease not found"),
  LEASE_EXIST("FAILED_PRECONDITION", "etcdserver: lease already exists"),
  LEASE_TTL_TOO_LARGE("OUT_OF_RANGE", "etcdserver: too large lease TTL"),
  PERMISSION_DENIED("PERMISSION_DENIED", "etcdserver: permission denied"),
  INVALID_AUTH_TOKEN("UNAUTHENTICATED", "etcdserver: invalid auth token"),
  // Auth, as etcd's rpctypes (error.go): clients match on these texts.
  ROOT_USER_NOT_EXIST("FAILED_PRECONDITION", "etcdserver: root user does not exist"),
  ROOT_ROLE_NOT_EXIST("FAILED_PRECONDITION", "etcdserver: root user does not have root role"),
  USER_ALREADY_EXIST("FAILED_PRECONDITION", "etcdserver: user name already exists"),
  USER_EMPTY("INVALID_ARGUMENT", "etcdserver: user name is empty"),
  USER_NOT_FOUND("FAILED_PRECONDITION", "etcdserver: user name not found"),
  ROLE_ALREADY_EXIST("FAILED_PRECONDITION", "etcdserver: role name already exists"),
  ROLE_NOT_FOUND("FAILED_PRECONDITION", "etcdserver: role name not found"),
  ROLE_EMPTY("INVALID_ARGUMENT", "etcdserver: role name is empty"),
  AUTH_FAILED("INVALID_ARGUMENT", "etcdserver: authentication failed, invalid user ID or password"),
  PERMISSION_NOT_GIVEN("INVALID_ARGUMENT", "etcdserver: permission not given"),
  ROLE_NOT_GRANTED("FAILED_PRECONDITION", "etcdserver: role is not granted to the user"),
  PERMISSION_NOT_GRANTED("FAILED_PRECONDITION", "etcdserver: permission is not granted to the role"),
  AUTH_NOT_ENABLED("FAILED_PRECONDITION", "etcdserver: authentication is not enabled"),
  INVALID_AUTH_MGMT("INVALID_ARGUMENT", "etcdserver: invalid auth management"),
  AUTH_OLD_REVISION("INVALID_ARGUMENT", "etcdserver: revision of auth store is old"),
  /** etcd maps no gRPC error to this one, so it reaches clients as UNKNOWN with auth's own text. */
  NO_PASSWORD_USER("UNKNOWN", "auth: authentication failed, password was given for no password user"),
  LEARNER_NOT_SUPPORTED("FAILED_PRECONDITION", "etcdserver: rpc not supported for learner"),
  WATCH_CANCELED("CANCELED", "etcdserver: watch canceled"),
  MEMBER_NOT_FOUND("NOT_FOUND", "etcdserver: member not found"),
  PEER_URL_EXIST("FAILED_PRECONDITION", "etcdserver: Peer URLs already exists"),
  MEMBER_NOT_LEARNER("FAILED_PRECONDITION", "etcdserver: can only promote a learner member"),
  LEARNER_NOT_READY("FAILED_PRECONDITION", "etcdserver: can only promote a learner member which is in sync with leader"),
  UNHEALTHY("UNAVAILABLE", "etcdserver: unhealthy cluster");

  /** Name of the gRPC status code, as in {@code io.grpc.Status.Code}. */
  public final String grpcCode;
  public final String message;

  /** The auth store's own text for this error ("auth: permission denied"), where etcd passes that on. */
  public String authStoreText() {
    if (this == AUTH_OLD_REVISION) {
      return "auth: revision in header is old";
    }
    return message.startsWith("etcdserver: ") ? "auth: " + message.substring("etcdserver: ".length()) : message;
  }

  EtcdError(String grpcCode, String message) {
    this.grpcCode = grpcCode;
    this.message = message;
  }

  public EtcdException exception() {
    return new EtcdException(this);
  }
}
