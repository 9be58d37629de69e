#!/usr/bin/env bash
# bench/compare.sh: real etcd (Debian's /usr/bin/etcd) and this project side by side, on loopback,
# driven by the same clients: etcd's own Go benchmark tool (tools/benchmark of etcd 3.4, grpc-go;
# see bench/etcd-go-benchmark.sh) first, then bin/benchmark (Java, Akka gRPC); workloads interleaved
# etcd, ours, etcd, ours, ... Prints one table: client, workload, req/s, p50/p99 and server CPU per
# request (user+system time of the member processes from /proc/PID/stat) for each, and the ratio
# ours/etcd of req/s (above 1.0: ours is faster).
#
#   bench/compare.sh                      1 member each, 3 measured rounds after a warm-up round
#   bench/compare.sh --quick              a smoke run for CI: short runs, 1 round, few puts for memory
#   bench/compare.sh --members 3          three members each (etcd's Procfile layout: infra1..3)
#   bench/compare.sh --rounds 5 --out docs/run.md
#   bench/compare.sh --auth               auth enabled on both (root user, simple tokens): every call
#                                         carries a token
#   bench/compare.sh --tls                https client and peer URLs on both (one openssl-made CA,
#                                         one member certificate with IP:127.0.0.1, peers mutually
#                                         authenticated); the clients verify the servers
#
# Not a test: no figure is ever asserted. Servers listen on 127.0.0.1 only, with data in a temporary
# folder; everything this script starts is stopped by PID when it exits.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ETCD_BIN="${ETCD_BIN:-/usr/bin/etcd}"
ETCDCTL_BIN="${ETCDCTL_BIN:-/usr/bin/etcdctl}"

usage() {
  cat <<'EOF'
Usage: bench/compare.sh [--quick] [--members 1|3] [--rounds N] [--duration SECS]
                        [--mem-puts N] [--watch-puts N] [--client go|java|both] [--only REGEX]
                        [--auth] [--tls] [--out FILE]

  --quick          short runs for a CI smoke (~0.5 s per run, 1 round, no warm-up round,
                   20,000 puts for the memory row, 100 puts for the watch row)
  --members 1|3    cluster layout, the same for etcd and ours (1)
  --rounds N       measured rounds per workload; the table shows the median (3)
  --duration S     seconds per measured run (5; --quick: 0.5)
  --mem-puts N     puts before reading the resident memory of a member (1000000)
  --watch-puts N   puts made while 1,000 watchers listen (2000)
  --client C       go: etcd's own tools/benchmark (grpc-go; built by bench/etcd-go-benchmark.sh,
                   which needs ETCD_SRC or ETCD_BENCHMARK), java: bin/benchmark, both (both)
  --only REGEX     run only the workloads whose name matches (e.g. 'put|memory')
  --auth           enable auth on both (user root, simple tokens) before the runs; clients log in
  --tls            https client and peer URLs (certificates made with openssl in the temporary
                   folder); not with the memory row
  --out FILE       also write the table, with date, machine and load, as markdown to FILE
EOF
}

ARGS=("$@")
AUTH=0 TLS=0 CLIENT=both QUICK=0 MEMBERS=1 ROUNDS=3 DURATION=5 MEM_PUTS=1000000 WATCH_PUTS=2000 ONLY="" OUT=""
ROUNDS_SET=0 DURATION_SET=0 MEM_SET=0 WATCH_SET=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --members) MEMBERS="$2"; shift ;;
    --members=*) MEMBERS="${1#*=}" ;;
    --rounds) ROUNDS="$2"; ROUNDS_SET=1; shift ;;
    --rounds=*) ROUNDS="${1#*=}"; ROUNDS_SET=1 ;;
    --duration) DURATION="$2"; DURATION_SET=1; shift ;;
    --duration=*) DURATION="${1#*=}"; DURATION_SET=1 ;;
    --mem-puts) MEM_PUTS="$2"; MEM_SET=1; shift ;;
    --mem-puts=*) MEM_PUTS="${1#*=}"; MEM_SET=1 ;;
    --watch-puts) WATCH_PUTS="$2"; WATCH_SET=1; shift ;;
    --watch-puts=*) WATCH_PUTS="${1#*=}"; WATCH_SET=1 ;;
    --client) CLIENT="$2"; shift ;;
    --client=*) CLIENT="${1#*=}" ;;
    --auth) AUTH=1 ;;
    --tls) TLS=1 ;;
    --only) ONLY="$2"; shift ;;
    --only=*) ONLY="${1#*=}" ;;
    --out) OUT="$2"; shift ;;
    --out=*) OUT="${1#*=}" ;;
    -h|--help) usage; exit 0 ;;
    *) echo "compare.sh: unknown flag $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
[[ "$MEMBERS" == 1 || "$MEMBERS" == 3 ]] || { echo "compare.sh: --members must be 1 or 3" >&2; exit 2; }
[[ "$CLIENT" =~ ^(go|java|both)$ ]] || { echo "compare.sh: --client must be go, java or both" >&2; exit 2; }
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --rounds must be a positive integer" >&2; exit 2; }
WARMUP_ROUND=1
if [[ $QUICK == 1 ]]; then
  WARMUP_ROUND=0
  [[ $ROUNDS_SET == 1 ]] || ROUNDS=1
  [[ $DURATION_SET == 1 ]] || DURATION=0.5
  [[ $MEM_SET == 1 ]] || MEM_PUTS=20000
  [[ $WATCH_SET == 1 ]] || WATCH_PUTS=100
fi
# The client JVM's own warm-up before each measured run (bin/benchmark --warmup).
CLIENT_WARMUP=$([[ $QUICK == 1 ]] && echo 0.3s || echo 1s)

log() { echo "compare.sh: $*" >&2; }

# ---- prerequisites -------------------------------------------------------------------------------
if [[ ! -x "$ETCD_BIN" || ! -x "$ETCDCTL_BIN" ]]; then
  log "installing Debian's etcd-server and etcd-client"
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=""; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q etcd-server etcd-client >&2 \
    || { $SUDO apt-get update -q >&2 && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q etcd-server etcd-client >&2; }
fi
if [[ ! -s "$ROOT/target/runtime-classpath.txt" || ! -d "$ROOT/target/classes/io/akkaetcd/bench" ]]; then
  log "building (mvn -q -B -DskipTests package)"
  (cd "$ROOT" && { mvn -q -B -o -DskipTests package || mvn -q -B -DskipTests package; }) >&2
fi
export AKKA_ETCD_SKIP_BUILD=1
GO_BENCH=""
if [[ $CLIENT != java ]]; then
  if ! GO_BENCH=$("$ROOT/bench/etcd-go-benchmark.sh"); then
    log "etcd's Go benchmark is not available (above); give ETCD_SRC or ETCD_BENCHMARK, or use --client java"
    exit 1
  fi
fi
case $CLIENT in
  go) CLIENT_TEXT="client: etcd's tools/benchmark ${ETCD_TAG:-v3.4.23} (grpc-go clientv3)" ;;
  java) CLIENT_TEXT="client: bin/benchmark (Java, Akka gRPC)" ;;
  *) CLIENT_TEXT="clients: etcd's tools/benchmark ${ETCD_TAG:-v3.4.23} (grpc-go clientv3) and bin/benchmark (Java, Akka gRPC)" ;;
esac

WORK="$(mktemp -d "${TMPDIR:-/tmp}/akka-etcd-compare.XXXXXX")"
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

START_TS=$(date +%s)
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- TLS and auth --------------------------------------------------------------------------------
SCHEME=http TLS_FLAGS=() CLIENT_FLAGS=() CTL_FLAGS=()
if [[ $TLS == 1 ]]; then
  # etcd's recipe: a CA, one member certificate for IP:127.0.0.1 (for client and peer traffic)
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=compare-ca" \
    -keyout "$WORK/ca.key" -out "$WORK/ca.crt" >/dev/null 2>&1
  openssl req -newkey rsa:2048 -nodes -subj "/CN=compare-member" -keyout "$WORK/member.key" \
    -out "$WORK/member.csr" >/dev/null 2>&1
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n' >"$WORK/member.ext"
  openssl x509 -req -in "$WORK/member.csr" -CA "$WORK/ca.crt" -CAkey "$WORK/ca.key" -CAcreateserial -days 2 \
    -extfile "$WORK/member.ext" -out "$WORK/member.crt" >/dev/null 2>&1
  SCHEME=https
  TLS_FLAGS=(--cert-file "$WORK/member.crt" --key-file "$WORK/member.key"
    --peer-cert-file "$WORK/member.crt" --peer-key-file "$WORK/member.key"
    --peer-trusted-ca-file "$WORK/ca.crt" --peer-client-cert-auth)
  CLIENT_FLAGS=(--cacert "$WORK/ca.crt"); CTL_FLAGS=(--cacert "$WORK/ca.crt")
fi
AUTH_USER=root:compare-root-pw
ctl() { "$ETCDCTL_BIN" "${CTL_FLAGS[@]}" "$@"; }
# enable_auth TAG: a root user with the root role, then auth on; from then on every client logs in
enable_auth() {
  local ep="${ENDPOINTS[$1]%%,*}"
  ctl --endpoints "$ep" user add "$AUTH_USER" >/dev/null
  ctl --endpoints "$ep" user grant-role root root >/dev/null
  ctl --endpoints "$ep" auth enable >/dev/null
}

# ---- members -------------------------------------------------------------------------------------
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# A base port with base..base+9 free, away from etcd's e2e range (20000+) and the default 2379/2380.
pick_base() {
  local b i ok
  for _ in $(seq 100); do
    b=$((30000 + (RANDOM % 2500) * 10))
    ok=1
    for i in $(seq 0 9); do port_free $((b + i)) || { ok=0; break; }; done
    [[ $ok == 1 ]] && { echo "$b"; return; }
  done
  log "no free ports found"; exit 1
}

# Client URLs of the current cluster of each kind, comma separated (filled by start_cluster).
declare -A ENDPOINTS MEMBER_PIDS

# start_cluster KIND TAG: starts MEMBERS members of KIND (etcd|ours) with etcd's Procfile flags;
# sets ENDPOINTS[TAG] and MEMBER_PIDS[TAG]. Returns 1 (after saying why) if a member fails to start.
start_cluster() {
  local kind="$1" tag="$2" base cluster="" i name cport pport dir pids="" eps=""
  base=$(pick_base)
  for i in $(seq 1 "$MEMBERS"); do
    cluster+="${cluster:+,}infra$i=$SCHEME://127.0.0.1:$((base + 2 * i + 1))"
  done
  for i in $(seq 1 "$MEMBERS"); do
    name="infra$i"; cport=$((base + 2 * i)); pport=$((base + 2 * i + 1))
    dir="$WORK/$tag/$name.etcd"; mkdir -p "$WORK/$tag"
    local args=(--name "$name" --data-dir "$dir"
      --listen-client-urls "$SCHEME://127.0.0.1:$cport" --advertise-client-urls "$SCHEME://127.0.0.1:$cport"
      --listen-peer-urls "$SCHEME://127.0.0.1:$pport" --initial-advertise-peer-urls "$SCHEME://127.0.0.1:$pport"
      --initial-cluster-token "etcd-cluster-$tag" --initial-cluster "$cluster" --initial-cluster-state new
      "${TLS_FLAGS[@]}")
    if [[ $kind == etcd ]]; then
      (cd "$WORK/$tag" && exec "$ETCD_BIN" "${args[@]}") >"$WORK/$tag/$name.log" 2>&1 &
    else
      (cd "$WORK/$tag" && exec "$ROOT/bin/etcd" "${args[@]}") >"$WORK/$tag/$name.log" 2>&1 &
    fi
    PIDS+=($!); pids+="${pids:+ }$!"; eps+="${eps:+,}$SCHEME://127.0.0.1:$cport"
  done
  MEMBER_PIDS[$tag]="$pids"; ENDPOINTS[$tag]="$eps"
  # Ready when every member answers `etcdctl endpoint health` (a Range on "health").
  local deadline=$((SECONDS + 90)) ep pid n=0
  for ep in ${eps//,/ }; do
    n=$((n + 1)); pid=$(echo "$pids" | cut -d' ' -f"$n")
    until ctl --endpoints "$ep" --dial-timeout 1s --command-timeout 2s endpoint health >/dev/null 2>&1; do
      if ! kill -0 "$pid" 2>/dev/null; then
        START_FAIL="member infra$n exited before serving"
        log "$kind member infra$n (pid $pid) exited before serving; last lines of its log:"
        tail -n 15 "$WORK/$tag/infra$n.log" >&2
        return 1
      fi
      if ((SECONDS > deadline)); then
        START_FAIL="member infra$n not healthy after 90 s"
        log "$kind member infra$n (pid $pid) not healthy after 90 s; last lines of its log:"
        tail -n 15 "$WORK/$tag/infra$n.log" >&2
        return 1
      fi
      sleep 0.3
    done
  done
  if [[ $MEMBERS -gt 1 ]]; then
    # Started is not enough: the members must form one cluster (one member list, one key space).
    local seen
    seen=$(ctl --endpoints "${eps%%,*}" member list 2>/dev/null | grep -c . || true)
    ctl --endpoints "${eps%%,*}" put compare-probe "$tag" >/dev/null 2>&1 || true
    local other="${eps##*,}" got
    got=$(ctl --endpoints "$other" get compare-probe --print-value-only 2>/dev/null || true)
    if [[ "$seen" != "$MEMBERS" || "$got" != "$tag" ]]; then
      START_FAIL="the $MEMBERS members run but do not form one cluster"
      log "$kind: the $MEMBERS members started but do not form one cluster (member list shows $seen;" \
        "a put on infra1 read on infra$MEMBERS gives '${got}')"
      return 1
    fi
  fi
  return 0
}

stop_cluster() {
  local tag="$1" p
  for p in ${MEMBER_PIDS[$tag]:-}; do kill "$p" 2>/dev/null || true; done
  for p in ${MEMBER_PIDS[$tag]:-}; do
    for _ in $(seq 150); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  MEMBER_PIDS[$tag]=""
}

# ---- workloads -----------------------------------------------------------------------------------
VAL=256 KEY=8 SPACE=100000
# client|name|arguments (endpoints and timing are added per run). Clients: "go" is etcd's own
# tools/benchmark (grpc-go clientv3, see bench/etcd-go-benchmark.sh), "java" is bin/benchmark.
GO_WORKLOADS=(
  "go|put, 1 client|put --clients 1 --conns 1 --key-size $KEY --val-size $VAL --key-space-size $SPACE"
  "go|put, 100 clients|put --clients 100 --conns CONNS --key-size $KEY --val-size $VAL --key-space-size $SPACE"
  "go|range linearizable, 1 client|range compare-range-key --consistency l --clients 1 --conns 1"
  "go|range linearizable, 100 clients|range compare-range-key --consistency l --clients 100 --conns CONNS"
  "go|range serializable, 1 client|range compare-range-key --consistency s --clients 1 --conns 1"
  "go|range serializable, 100 clients|range compare-range-key --consistency s --clients 100 --conns CONNS"
  "go|txn-put, 1 client|txn-put --clients 1 --conns 1 --key-size $KEY --val-size $VAL --key-space-size $SPACE"
  "go|txn-put, 100 clients|txn-put --clients 100 --conns CONNS --key-size $KEY --val-size $VAL --key-space-size $SPACE"
  "go|lease keep-alive, 100 clients|lease-keepalive --clients 100 --conns CONNS"
  "go|watch fan-out: 1,000 watchers, 100 writers|watch --streams 100 --watch-per-stream 10 --watched-key-total 1 --clients 100 --conns CONNS --put-total $WATCH_PUTS --put-rate 1000000 --key-size $KEY --key-space-size $SPACE"
)
JAVA_WORKLOADS=(
  "java|put, 1 client|put --clients 1 --conns 1 --key-size $KEY --val-size $VAL --key-space-size $SPACE"
  "java|put, 100 clients|put --clients 100 --conns CONNS --key-size $KEY --val-size $VAL --key-space-size $SPACE"
  "java|range linearizable, 1 client|range compare-range-key --consistency l --clients 1 --conns 1"
  "java|range linearizable, 100 clients|range compare-range-key --consistency l --clients 100 --conns CONNS"
  "java|range serializable, 1 client|range compare-range-key --consistency s --clients 1 --conns 1"
  "java|range serializable, 100 clients|range compare-range-key --consistency s --clients 100 --conns CONNS"
  "java|txn-put, 1 client|txn-put --clients 1 --conns 1 --key-size $KEY --val-size $VAL --key-space-size $SPACE"
  "java|txn-put, 100 clients|txn-put --clients 100 --conns CONNS --key-size $KEY --val-size $VAL --key-space-size $SPACE"
  "java|lease keep-alive, 100 clients|lease-keepalive --clients 100 --conns CONNS"
  "java|watch fan-out: 1,000 watchers, 100 writers|watch --watchers 1000 --streams 100 --clients 100 --conns CONNS --put-total $WATCH_PUTS --key-size $KEY --val-size $VAL --key-space-size $SPACE"
  "java|gateway put, 1 client|gateway-put --clients 1 --key-size $KEY --val-size $VAL --key-space-size $SPACE"
  "java|gateway put, 100 clients|gateway-put --clients 100 --key-size $KEY --val-size $VAL --key-space-size $SPACE"
  "java|gateway range linearizable, 1 client|gateway-range compare-range-key --consistency l --clients 1"
  "java|gateway range linearizable, 100 clients|gateway-range compare-range-key --consistency l --clients 100"
)
WORKLOADS=()
[[ $CLIENT == go || $CLIENT == both ]] && WORKLOADS+=("${GO_WORKLOADS[@]}")
[[ $CLIENT == java || $CLIENT == both ]] && WORKLOADS+=("${JAVA_WORKLOADS[@]}")
CONNS=$MEMBERS
[[ $MEMBERS == 1 ]] && CONNS=4

CLK_TCK=$(getconf CLK_TCK)
# cpu_ticks TAG: user+system CPU ticks of TAG's member processes so far (from /proc/PID/stat).
cpu_ticks() {
  local p t=0 s
  for p in ${MEMBER_PIDS[$1]:-}; do
    s=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0); t=$((t + s))
  done
  echo "$t"
}

# run_java TAG ARGS -> prints "rps p50_ms p99_ms errors requests" or "ERR <reason>"
run_java() {
  local tag="$1" args="$2" out rc line
  local timing=(--duration "$DURATION" --warmup "$CLIENT_WARMUP")
  [[ $args == watch* ]] && timing=(--warmup 0)
  set +e
  # shellcheck disable=SC2086 # args is a list of words
  out=$(timeout 300 "$ROOT/bin/benchmark" --endpoints "${ENDPOINTS[$tag]}" "${CLIENT_FLAGS[@]}" $args "${timing[@]}" 2>"$WORK/bench.err")
  rc=$?
  set -e
  line=$(grep '^RESULT ' <<<"$out" | tail -n 1 || true)
  if [[ $rc -ne 0 || -z "$line" ]]; then
    if grep -q UNIMPLEMENTED "$WORK/bench.err" || grep -q UNIMPLEMENTED <<<"$out"; then
      echo "ERR n/a (UNIMPLEMENTED)"
    else
      echo "ERR failed (exit $rc): $(grep -v '^\s*$' "$WORK/bench.err" | head -n 1 | cut -c1-80)"
    fi
    return
  fi
  field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
  local ok errors
  ok=$(field ok); errors=$(field errors)
  if [[ "$ok" == 0 ]]; then
    if grep -q UNIMPLEMENTED <<<"$out"; then echo "ERR n/a (UNIMPLEMENTED)"; else
      echo "ERR failed: $(grep -A1 'Error distribution' <<<"$out" | tail -n 1 | sed 's/^\s*//' | cut -c1-80)"; fi
    return
  fi
  # Its own warm-up also loads the server, so CPU per request is not computed for it (requests "-").
  echo "$(field rps) $(field p50_ms) $(field p99_ms) $errors -"
}

# The Go tool sends a fixed number of requests (--total); TOTAL[idx] is set from etcd's rate in the
# warm-up round so a run lasts about DURATION seconds on etcd; both servers get the same total.
declare -A TOTAL
go_total_guess() { [[ $1 == *"--clients 1 "* ]] && echo 1000 || echo 10000; }

# run_go TAG IDX ARGS -> prints "rps p50_ms p99_ms errors requests" or "ERR <reason>"
run_go() {
  local tag="$1" idx="$2" args="$3" out rc total eps="${ENDPOINTS[$tag]}"
  local extra=(--precise)
  if [[ $args == watch* ]]; then
    total=$WATCH_PUTS
  else
    total=${TOTAL[$idx]:-$(go_total_guess "$args")}
    extra+=(--total "$total")
  fi
  set +e
  # shellcheck disable=SC2086 # args is a list of words
  out=$(timeout 300 "$GO_BENCH" --endpoints "$eps" "${CLIENT_FLAGS[@]}" $args "${extra[@]}" 2>"$WORK/bench.err" </dev/null)
  rc=$?
  set -e
  if [[ $args == watch* ]]; then
    out=$(sed -n '/^Watch events received summary/,$p' <<<"$out")
  fi
  local rps p50 p99 errs
  rps=$(sed -n 's/^ *Requests\/sec:\s*\([0-9.eE+-]*\).*/\1/p' <<<"$out" | tail -n 1)
  if [[ $rc -ne 0 || -z "$rps" ]]; then
    echo "ERR failed (exit $rc): $(grep -v '^\s*$' "$WORK/bench.err" | grep -v '^ *[0-9]* / ' | tail -n 1 | cut -c1-80)"
    return
  fi
  p50=$(sed -n 's/^ *50% in \([0-9.eE+-]*\) secs.*/\1/p' <<<"$out" | tail -n 1)
  p99=$(sed -n 's/^ *99% in \([0-9.eE+-]*\) secs.*/\1/p' <<<"$out" | tail -n 1)
  errs=$(sed -n '/^Error distribution/,$p' <<<"$out" | sed -n 's/^ *\[\([0-9]*\)\].*/\1/p' | awk '{s+=$1} END {print s+0}')
  local requests=$total
  [[ $args == watch* ]] && requests=$((WATCH_PUTS * 1000))
  awk -v r="$rps" -v a="${p50:-0}" -v b="${p99:-0}" -v e="$errs" -v n="$((requests - errs))" \
    'BEGIN {printf "%s %.3f %.3f %d %d\n", r, a * 1000, b * 1000, e, n}'
}

# run_one TAG IDX: runs workload IDX against TAG; prints "rps p50 p99 errors cpu_us_per_request" or "ERR ..."
run_one() {
  local tag="$1" idx="$2" w="${WORKLOADS[$2]}" client args res c0 c1
  client="${w%%|*}"; args="${w##*|}"; args="${args//CONNS/$CONNS}"
  c0=$(cpu_ticks "$tag")
  if [[ $client == go ]]; then res=$(run_go "$tag" "$idx" "$args"); else res=$(run_java "$tag" "$args"); fi
  c1=$(cpu_ticks "$tag")
  if [[ $res == ERR* ]]; then echo "$res"; return; fi
  local rps p50 p99 errs n
  read -r rps p50 p99 errs n <<<"$res"
  local cpu="-"
  [[ $n != - && $n -gt 0 ]] && cpu=$(awk -v d="$((c1 - c0))" -v t="$CLK_TCK" -v n="$n" 'BEGIN {printf "%.0f", d * 1e6 / t / n}')
  echo "$rps $p50 $p99 $errs $cpu"
}

commas() { sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|[^0-9]\)/\1,\2\3/;ta'; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) exit; if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

declare -A RPS P50 P99 CPU ERRS NOTE
record() { # tag idx result
  local key="$1|$2" r="$3"
  if [[ $r == ERR* ]]; then NOTE[$key]="${r#ERR }"; return; fi
  local rps p50 p99 errs cpu
  read -r rps p50 p99 errs cpu <<<"$r"
  RPS[$key]+="$rps "; P50[$key]+="$p50 "; P99[$key]+="$p99 "
  [[ $cpu != - ]] && CPU[$key]+="$cpu "
  [[ "$errs" != 0 ]] && ERRS[$key]=$(( ${ERRS[$key]:-0} + errs ))
  return 0
}
wname() { local w="${WORKLOADS[$1]#*|}"; echo "${w%%|*}"; }
wclient() { echo "${WORKLOADS[$1]%%|*}"; }
wargs() { echo "${WORKLOADS[$1]##*|}"; }

# ---- run -----------------------------------------------------------------------------------------
OURS_OK=1 START_FAIL=""
log "starting real etcd ($("$ETCD_BIN" --version | sed -n 1p)), $MEMBERS member(s)"
start_cluster etcd etcd || { log "real etcd failed to start: giving up"; exit 1; }
log "starting akka-etcd (bin/etcd), $MEMBERS member(s)"
if ! start_cluster ours ours; then
  OURS_OK=0; OURS_WHY="$START_FAIL"
  stop_cluster ours
fi
RANGE_VAL=$(head -c $VAL /dev/zero | tr '\0' v)
for tag in etcd ours; do
  [[ $tag == ours && $OURS_OK == 0 ]] && continue
  ctl --endpoints "${ENDPOINTS[$tag]}" put compare-range-key "$RANGE_VAL" >/dev/null
  [[ $AUTH == 1 ]] && enable_auth "$tag"
done
if [[ $AUTH == 1 ]]; then
  CLIENT_FLAGS+=(--user "$AUTH_USER"); CTL_FLAGS+=(--user "$AUTH_USER")
fi

selected=()
for i in "${!WORKLOADS[@]}"; do
  name="$(wname "$i")"
  [[ -z "$ONLY" || "$name" =~ $ONLY ]] && selected+=("$i")
done

if [[ $WARMUP_ROUND == 1 ]]; then
  log "warm-up round (not recorded)"
  for i in "${selected[@]}"; do
    args="$(wargs "$i")"
    [[ $args == watch* ]] && continue
    # With both clients, the Go rows' warm-up has warmed the servers for the same requests already.
    [[ $CLIENT == both && $(wclient "$i") == java ]] && continue
    for tag in etcd ours; do
      [[ $tag == ours && $OURS_OK == 0 ]] && continue
      res=$(run_one "$tag" "$i")
      log "warm-up  $tag  $(wclient "$i")  $(wname "$i"): $res"
      if [[ $tag == etcd && $(wclient "$i") == go && $res != ERR* ]]; then
        # Size the Go tool's --total so that a measured run takes about DURATION s on etcd.
        TOTAL[$i]=$(awk -v r="${res%% *}" -v d="$DURATION" 'BEGIN {t = int(r * d); print (t < 200 ? 200 : t)}')
      fi
    done
  done
fi
for r in $(seq 1 "$ROUNDS"); do
  for i in "${selected[@]}"; do
    name="$(wname "$i")"
    for tag in etcd ours; do
      [[ $tag == ours && $OURS_OK == 0 ]] && continue
      res=$(run_one "$tag" "$i")
      log "round $r/$ROUNDS  $tag  $(wclient "$i")  $name: $res"
      record "$tag" "$i" "$res"
    done
  done
done
LOAD_DURING="$(cut -d' ' -f1-3 /proc/loadavg)"
# Which member led during the rate rows (the 1-client rows talk to infra1 only).
LEADERS=""
if [[ $MEMBERS -gt 1 ]]; then
  for tag in etcd ours; do
    [[ $tag == ours && $OURS_OK == 0 ]] && continue
    n=$(ctl --endpoints "${ENDPOINTS[$tag]}" endpoint status 2>/dev/null \
      | awk -F', ' '$5 == "true" {print NR}' | head -n 1)
    LEADERS+="${LEADERS:+, }$tag: infra${n:-?}"
  done
  LEADERS="leader during the rate rows: $LEADERS"
fi

# Resident memory: a fresh cluster of each kind, MEM_PUTS puts of distinct 8-byte keys with 256-byte
# values, then VmRSS of infra1 from /proc (for ours that is the JVM: bin/etcd execs java).
MEM_ROW=""
if [[ $AUTH == 0 && $TLS == 0 ]] && [[ -z "$ONLY" || "memory" =~ $ONLY ]]; then
  declare -A RSS MEMNOTE
  GC_KB="" HEAP_USED=""
  for tag in etcd ours; do
    stop_cluster "$tag"
    [[ $tag == ours && $OURS_OK == 0 ]] && { MEMNOTE[$tag]="n/a"; continue; }
    if ! start_cluster "$tag" "mem-$tag"; then MEMNOTE[$tag]="failed to start"; continue; fi
    log "memory: $MEM_PUTS puts to $tag"
    set +e
    out=$(timeout 1800 "$ROOT/bin/benchmark" --endpoints "${ENDPOINTS[mem-$tag]}" put --clients 100 \
      --conns "$CONNS" --total "$MEM_PUTS" --key-size $KEY --val-size $VAL --key-space-size "$MEM_PUTS" \
      --sequential-keys --warmup 0 2>"$WORK/bench.err")
    set -e
    line=$(grep '^RESULT ' <<<"$out" | tail -n 1 || true)
    pid=$(echo "${MEMBER_PIDS[mem-$tag]}" | cut -d' ' -f1)
    kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo "")
    if [[ -z "$kb" ]]; then MEMNOTE[$tag]="member gone"; else RSS[$tag]=$kb; fi
    # A JVM keeps the heap it has grown; after a full GC (G1 then gives memory back) the RSS says
    # more about what the data needs. Shown beside the first figure, never instead of it.
    if [[ $tag == ours && -n "$kb" ]] && command -v jcmd >/dev/null; then
      jcmd "$pid" GC.run >/dev/null 2>&1 || true
      sleep 2
      GC_KB=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo "")
      HEAP_USED=$(jcmd "$pid" GC.heap_info 2>/dev/null | sed -n 's/.*used \([0-9]*K\).*/\1/p' | sed -n 1p || true)
    fi
    [[ -z "$line" ]] && MEMNOTE[$tag]="puts failed: $(head -n 1 "$WORK/bench.err" | cut -c1-60)"
    [[ -n "$line" ]] && log "memory: $tag $(sed -n 's/.*\( ok=[0-9]*\).*\( rps=[^ ]*\).*/\1\2/p' <<<"$line"), VmRSS ${kb:-?} kB"
    stop_cluster "mem-$tag"
  done
  mib() { awk -v k="$1" 'BEGIN {printf "%.0f MiB", k/1024}'; }
  e="${RSS[etcd]:-}"; o="${RSS[ours]:-}"
  ecell=${e:+$(mib "$e")}; ecell=${ecell:-${MEMNOTE[etcd]:-n/a}}
  ocell=${o:+$(mib "$o")}; ocell=${ocell:-${MEMNOTE[ours]:-n/a}}
  [[ -n "${GC_KB:-}" ]] && ocell+=" ($(mib "$GC_KB") after a full GC; heap used ${HEAP_USED:-?}; JAVA_OPTS: ${JAVA_OPTS:-bin/etcd default})"
  ratio="–"; [[ -n "$e" && -n "$o" ]] && ratio=$(awk -v a="$o" -v b="$e" 'BEGIN {printf "%.2f (RSS)", a/b}')
  MEM_ROW="| bin/benchmark | resident memory after $(echo "$MEM_PUTS" | commas) puts (8 B keys, 256 B values) | $ecell | | | $ocell | | | $ratio |"
fi

# ---- table ---------------------------------------------------------------------------------------
med() { tr ' ' '\n' <<<"$1" | grep . | median; }
cell() { # tag idx -> "rps|p50 / p99|cpu"
  local key="$1|$2"
  if [[ -n "${RPS[$key]:-}" ]]; then
    local extra="" cpu="–"
    [[ -n "${ERRS[$key]:-}" ]] && extra=" (${ERRS[$key]} errors)"
    [[ -n "${CPU[$key]:-}" ]] && cpu="$(printf "%.0f" "$(med "${CPU[$key]}")" | commas) µs"
    printf "%s%s|%s / %s|%s" "$(printf "%.0f" "$(med "${RPS[$key]}")" | commas)" "$extra" \
      "$(printf "%.2f" "$(med "${P50[$key]}")")" "$(printf "%.2f ms" "$(med "${P99[$key]}")")" "$cpu"
  elif [[ $1 == ours && $OURS_OK == 0 ]]; then
    echo "n/a ($OURS_WHY)||"
  else
    echo "${NOTE[$key]:-n/a}||"
  fi
}
TABLE="| client | workload | etcd req/s | etcd p50 / p99 | etcd CPU/req | ours req/s | ours p50 / p99 | ours CPU/req | ratio ours/etcd |
|---|---|---|---|---|---|---|---|---|"
for i in "${selected[@]}"; do
  name="$(wname "$i")"
  client="etcd's Go benchmark"; [[ $(wclient "$i") == java ]] && client="bin/benchmark"
  IFS='|' read -r er ep ec <<<"$(cell etcd "$i")"
  IFS='|' read -r or op oc <<<"$(cell ours "$i")"
  ratio="–"
  if [[ -n "${RPS[etcd|$i]:-}" && -n "${RPS[ours|$i]:-}" ]]; then
    ratio=$(awk -v a="$(med "${RPS[ours|$i]}")" -v b="$(med "${RPS[etcd|$i]}")" 'BEGIN {printf "%.2f", a/b}')
  fi
  if [[ $name == watch* ]]; then
    # etcd's tool times the gap between a watcher's events, not a delivery latency: not shown.
    if [[ $(wclient "$i") == go ]]; then name="$name (events/s)"; ep="–"; op="–"
    else name="$name (events/s; latency: put ack → event)"; fi
  fi
  TABLE+=$'\n'"| $client | $name | $er | $ep | $ec | $or | $op | $oc | $ratio |"
done
[[ -n "$MEM_ROW" ]] && TABLE+=$'\n'"$MEM_ROW"

ELAPSED=$(( $(date +%s) - START_TS ))
WARM_TEXT=""; [[ $WARMUP_ROUND == 1 ]] && WARM_TEXT=" after a warm-up round"
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
SECURITY=""; [[ $AUTH == 1 ]] && SECURITY+=" auth on (simple tokens, user root);"
[[ $TLS == 1 ]] && SECURITY+=" client and peer TLS (https, peers mutually authenticated);"
HEADER="$(date -u '+%Y-%m-%d %H:%M UTC'); $MEMBERS member(s) each on 127.0.0.1;$SECURITY $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM; $("$ETCD_BIN" --version | sed -n 1p) vs akka-etcd $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
median of $ROUNDS round(s) of ${DURATION} s per run$WARM_TEXT; $CLIENT_TEXT; keys $KEY B, values $VAL B, key space $SPACE; ${ELAPSED} s in all
load average (1/5/15 min): before $LOAD_BEFORE, after the rate rows $LOAD_DURING, at the end $LOAD_AFTER${LEADERS:+
$LEADERS}"
echo
echo "$HEADER"
echo
echo "$TABLE"
if [[ -n "$OUT" ]]; then
  {
    echo "<!-- bench/compare.sh ${ARGS[*]} -->"
    echo "$HEADER" | sed 's/$/  /'
    echo
    echo "$TABLE"
  } >"$OUT"
  log "wrote $OUT"
fi
