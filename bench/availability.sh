#!/usr/bin/env bash
# bench/availability.sh: availability under faults, real etcd (Debian's /usr/bin/etcd) beside this
# project, in the same run. Three members each on 127.0.0.1; six clients with etcd's Go client
# (bench/availability/main.go, clientv3 3.4) over all three endpoints, each alternating a linearizable
# read and a put of a unique key, for 30 s; meanwhile every 4 s one member at a time (round robin)
# is killed -9 and restarted 2 s later, or paused with SIGSTOP for 2 s (alternately).
# Prints completed operations for each. Not a test: no figure is asserted.
#
#   bench/availability.sh [--duration 30] [--clients 6] [--only etcd|ours] [--rounds 1] [--no-faults] [--keep]
#                         [--warmup SECONDS]  (the same mix, unmeasured and without faults, first)
#
# Everything it starts is stopped by PID when it exits; data and logs live in a temporary folder,
# removed at exit unless --keep.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ETCD_BIN="${ETCD_BIN:-/usr/bin/etcd}"
DURATION=30 CLIENTS=6 ONLY="" ROUNDS=1 KEEP="" WARMUP=0 FAULT_EVERY=4 DOWN_FOR=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="$2"; shift ;;
    --clients) CLIENTS="$2"; shift ;;
    --only) ONLY="$2"; shift ;;
    --rounds) ROUNDS="$2"; shift ;;
    --no-faults) FAULT_EVERY=$((1 << 30)) ;;
    --keep) KEEP=1 ;;
    --warmup) WARMUP="$2"; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "availability.sh: unknown flag $1" >&2; exit 2 ;;
  esac
  shift
done

log() { echo "availability.sh: $*" >&2; }
WORK="$(mktemp -d /tmp/akka-etcd-availability.XXXXXX)"
declare -a PIDS=() CMDS=()

cleanup() {
  for pid in "${PIDS[@]:-}"; do
    [[ -n "$pid" ]] || continue
    kill -CONT "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]:-}"; do
    [[ -n "$pid" ]] && wait "$pid" 2>/dev/null || true
  done
  if [[ -n "$KEEP" ]]; then log "logs and data kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

log "building the client (etcd's clientv3 from Debian's golang-etcd-server-dev)"
(cd "$ROOT/bench/availability" && GO111MODULE=off GOPATH=/usr/share/gocode \
  GOCACHE="${GOCACHE:-$HOME/.cache/go-build}" go build -o "$WORK/availability" .)
if [[ "${AKKA_ETCD_SKIP_BUILD:-}" != 1 ]]; then # set: the caller has just built it
  log "building akka-etcd"
  (cd "$ROOT" && mvn -B -ntp -q -DskipTests package >&2)
fi

# start_member KIND INDEX: (re)starts member INDEX with the flags recorded in CMDS.
start_member() {
  local i=$2
  echo "availability.sh: exec at $(date -u +%FT%T.%3NZ)" >>"$WORK/$1-$i.log"
  # shellcheck disable=SC2086
  ${CMDS[$i]} >>"$WORK/$1-$i.log" 2>&1 &
  PIDS[$i]=$!
}

# run KIND: a three-member cluster of KIND (etcd or ours), the clients, the faults. Prints the count.
run() {
  local kind=$1 bin
  if [[ $kind == etcd ]]; then bin="$ETCD_BIN"; else bin="env AKKA_ETCD_SKIP_BUILD=1 $ROOT/bin/etcd"; fi
  local -a client=() peer=()
  for i in 0 1 2; do client[$i]=$(free_port); peer[$i]=$(free_port); done
  local initial="" endpoints=""
  for i in 0 1 2; do
    initial+="${initial:+,}m$i=http://127.0.0.1:${peer[$i]}"
    endpoints+="${endpoints:+,}127.0.0.1:${client[$i]}"
  done
  rm -rf "$WORK/$kind-data"
  for i in 0 1 2; do
    CMDS[$i]="$bin --name m$i --data-dir $WORK/$kind-data/m$i \
      --listen-client-urls http://127.0.0.1:${client[$i]} --advertise-client-urls http://127.0.0.1:${client[$i]} \
      --listen-peer-urls http://127.0.0.1:${peer[$i]} --initial-advertise-peer-urls http://127.0.0.1:${peer[$i]} \
      --initial-cluster $initial --initial-cluster-token avail-$kind"
    start_member "$kind" "$i"
  done
  local deadline=$((SECONDS + 300)) # JVMs on a loaded machine can take minutes
  until ETCDCTL_API=3 etcdctl --endpoints="$endpoints" --command-timeout=2s endpoint health >/dev/null 2>&1; do
    (( SECONDS < deadline )) || { log "$kind did not become healthy; logs in $WORK"; tail -20 "$WORK/$kind-0.log" >&2; exit 1; }
    sleep 0.5
  done
  if (( WARMUP > 0 )); then
    "$WORK/availability" --endpoints "$endpoints" --clients "$CLIENTS" --duration "${WARMUP}s" \
      --prefix "warmup-$kind" >/dev/null 2>&1 || true
  fi
  "$WORK/availability" --endpoints "$endpoints" --clients "$CLIENTS" --duration "${DURATION}s" \
    --prefix "avail-$kind" >"$WORK/$kind-client.out" 2>"$WORK/$kind-client.err" &
  local client_pid=$!
  local round=0 started=$SECONDS
  # A fault starts every FAULT_EVERY seconds from the clients' start, and lasts DOWN_FOR seconds.
  while (( (round + 1) * FAULT_EVERY + DOWN_FOR <= DURATION )); do
    local wait_for=$((started + (round + 1) * FAULT_EVERY - SECONDS))
    (( wait_for <= 0 )) || sleep "$wait_for"
    local victim=$((round % 3))
    if (( round % 2 == 0 )); then
      log "$kind: kill -9 m$victim, restart in ${DOWN_FOR}s"
      kill -9 "${PIDS[$victim]}"; wait "${PIDS[$victim]}" 2>/dev/null || true
      sleep "$DOWN_FOR"; start_member "$kind" "$victim"
    else
      log "$kind: SIGSTOP m$victim for ${DOWN_FOR}s"
      kill -STOP "${PIDS[$victim]}"; sleep "$DOWN_FOR"; kill -CONT "${PIDS[$victim]}"
    fi
    round=$((round + 1))
  done
  wait "$client_pid" || true
  echo "$kind: $(cat "$WORK/$kind-client.out")"
  grep -v '^{' "$WORK/$kind-client.err" | sort -rn >&2 || true
  # Each start's exec and the moment it served: what a restart costs.
  for i in 0 1 2; do
    sed -n -E -e 's/^availability\.sh: (exec at .*)$/\1/p' \
      -e 's/.*"ts":"([^"]*)".*ready to serve client requests.*/ready at \1/p' \
      -e 's/^([0-9-]+ [0-9:.]+) .*ready to serve client requests.*/ready at \1/p' "$WORK/$kind-$i.log" \
      | tr '\n' ' ' | sed "s/^/  m$i: /" >&2
    echo >&2
  done
  for i in 0 1 2; do kill "${PIDS[$i]}" 2>/dev/null || true; wait "${PIDS[$i]}" 2>/dev/null || true; PIDS[$i]=""; done
}

for ((r = 1; r <= ROUNDS; r++)); do
  [[ "$ONLY" == ours ]] || run etcd
  [[ "$ONLY" == etcd ]] || run ours
done
