#!/usr/bin/env bash
# bench/recovery.sh: the recovery rows of docs/benchmarks.md, real etcd (Debian's /usr/bin/etcd) beside
# this project's bin/etcd, one member each on 127.0.0.1.
#
#   restore   real etcd is filled with --keys keys (--value-size bytes each) by bin/benchmark, saved
#             with `etcdctl snapshot save`; then for each subject: `etcdctl snapshot restore` into a
#             fresh dir, start the member on it, time until it answers a linearizable read, check the
#             key count.
#   defrag    each subject is filled with about --store-mib MiB (--defrag-keys keys of 4 KiB), half of
#             them overwritten and the history compacted; then bin/benchmark puts for --put-secs seconds
#             (30) while `etcdctl defrag` runs from second 2: put/s, p50, p99 and max of that run and how
#             long defrag took, and the same of a run without defrag before it.
#
#   bench/recovery.sh [--only restore|defrag] [--keys N] [--value-size B] [--store-mib M] [--put-secs S]
#                     [--snapshot FILE]
#
#   --snapshot FILE: restore from this `etcdctl snapshot save` file instead of filling real etcd first
#             (the fill of 1,000,000 keys takes minutes; --keys is then only the label).
#
# Not a test: nothing is asserted. Everything it starts is stopped by PID when it exits; data lives in
# a temporary folder, removed at the end.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ETCD_BIN="${ETCD_BIN:-/usr/bin/etcd}"
CTL="${ETCDCTL_BIN:-/usr/bin/etcdctl}"
ONLY="" KEYS=1000000 VALUE_SIZE=256 STORE_MIB=1024 PUT_SECS=30 SNAPSHOT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --only) ONLY="$2"; shift ;;
    --keys) KEYS="$2"; shift ;;
    --value-size) VALUE_SIZE="$2"; shift ;;
    --store-mib) STORE_MIB="$2"; shift ;;
    --put-secs) PUT_SECS="$2"; shift ;;
    --snapshot) SNAPSHOT="$2"; shift ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "recovery.sh: unknown flag $1" >&2; exit 2 ;;
  esac
  shift
done

TMP="$(mktemp -d /tmp/akka-etcd-recovery.XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && wait "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2-$1:.1f}')"; }
log() { echo "recovery.sh: $*" >&2; }

# start SUBJECT DATADIR CLIENTPORT PEERPORT: launches a lone member, PID in $PID.
start() {
  local subject=$1 dir=$2 cport=$3 pport=$4
  local flags=(--name infra1 --data-dir "$dir" --listen-client-urls "http://127.0.0.1:$cport"
    --advertise-client-urls "http://127.0.0.1:$cport" --listen-peer-urls "http://127.0.0.1:$pport"
    --initial-advertise-peer-urls "http://127.0.0.1:$pport" --initial-cluster "infra1=http://127.0.0.1:$pport"
    --quota-backend-bytes 8589934592)
  if [[ $subject == etcd ]]; then
    "$ETCD_BIN" "${flags[@]}" >"$dir.log" 2>&1 &
  else
    "$ROOT/bin/etcd" "${flags[@]}" >"$dir.log" 2>&1 &
  fi
  PID=$!
  PIDS+=("$PID")
}

# ready PORT: waits until a linearizable read answers.
ready() {
  until "$CTL" --endpoints "127.0.0.1:$1" --command-timeout 2s get nothing >/dev/null 2>&1; do sleep 0.1; done
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

count() { "$CTL" --endpoints "127.0.0.1:$1" --command-timeout 60s get "" --prefix --keys-only --limit 1 -w json \
  | python3 -c 'import json,sys; print(json.load(sys.stdin).get("count",0))'; }

fill() { # PORT TOTAL KEYSPACE VALSIZE; a request that failed is counted in the RESULT line, not fatal
  { "$ROOT/bin/benchmark" --endpoints "127.0.0.1:$1" --conns 10 --clients 100 --total "$2" --key-space-size "$3" \
    --sequential-keys --key-size 16 --val-size "$4" --warmup 0 put || true; } | tail -1
}

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), akka-etcd $(git -C "$ROOT" rev-parse --short HEAD), $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

if [[ -z $ONLY || $ONLY == restore ]]; then
  if [[ -n $SNAPSHOT ]]; then
    cp "$SNAPSHOT" "$TMP/snap.db"
  else
    cport=$(free_port) pport=$(free_port)
    start etcd "$TMP/source" "$cport" "$pport"; src=$PID; ready "$cport"
    log "filling real etcd with $KEYS keys of $VALUE_SIZE bytes"
    fill "$cport" "$KEYS" "$KEYS" "$VALUE_SIZE" >&2
    "$CTL" --endpoints "127.0.0.1:$cport" --command-timeout 10m snapshot save "$TMP/snap.db" >/dev/null
    stop "$src"
  fi
  echo "snapshot: $KEYS keys, $(du -m "$TMP/snap.db" | cut -f1) MiB"
  echo "| subject | snapshot restore | start to first linearizable read | keys served | load average after |"
  echo "|---|---|---|---|---|"
  for subject in etcd ours; do
    dir="$TMP/restored-$subject"
    pport=$(free_port) cport=$(free_port)
    t0=$(now)
    "$CTL" snapshot restore "$TMP/snap.db" --name infra1 --data-dir "$dir" \
      --initial-cluster "infra1=http://127.0.0.1:$pport" --initial-advertise-peer-urls "http://127.0.0.1:$pport" >/dev/null 2>&1
    t1=$(now)
    start "$subject" "$dir" "$cport" "$pport"; p=$PID; ready "$cport"; t2=$(now)
    n=$(count "$cport")
    echo "| $subject | $(secs "$t0" "$t1") s | $(secs "$t1" "$t2") s | $n | $(cut -d' ' -f1 /proc/loadavg) |"
    stop "$p"; rm -rf "$dir"
  done
  rm -f "$TMP/snap.db"
fi

if [[ -z $ONLY || $ONLY == defrag ]]; then
  keys=$((STORE_MIB * 256))  # 4 KiB values
  echo
  echo "defrag: $keys keys of 4 KiB (about $STORE_MIB MiB), half overwritten, compacted; puts of 256 B from 10 clients for ${PUT_SECS} s"
  echo "| subject | defrag took | run with defrag: put/s, p50 / p99 / max | run without: put/s, p50 / p99 / max | store on disk before / after defrag |"
  echo "|---|---|---|---|---|"
  for subject in etcd ours; do
    dir="$TMP/defrag-$subject"; cport=$(free_port) pport=$(free_port)
    start "$subject" "$dir" "$cport" "$pport"; p=$PID; ready "$cport"
    fill "$cport" "$keys" "$keys" 4096 >/dev/null
    fill "$cport" $((keys / 2)) $((keys / 2)) 4096 >/dev/null
    rev=$("$CTL" --endpoints "127.0.0.1:$cport" get x -w json | python3 -c 'import json,sys; print(json.load(sys.stdin)["header"]["revision"])')
    "$CTL" --endpoints "127.0.0.1:$cport" --command-timeout 10m compact "$rev" --physical >/dev/null
    # etcd's bolt file, this member's LevelDB store
    size() { du -sm "$dir/member/snap/db" "$dir/member/kv" 2>/dev/null | awk '{s+=$1} END {print s}'; }
    before=$(size)
    base=$("$ROOT/bin/benchmark" --endpoints "127.0.0.1:$cport" --clients 10 --duration "${PUT_SECS}s" \
      --key-space-size 100000 --val-size 256 --warmup 2s put | tail -1)
    "$ROOT/bin/benchmark" --endpoints "127.0.0.1:$cport" --clients 10 --duration "${PUT_SECS}s" \
      --key-space-size 100000 --val-size 256 --warmup 2s put >"$dir.bench" 2>&1 &
    b=$!; PIDS+=("$b")
    sleep 4  # the benchmark's 2 s warm-up, then 2 s of measured puts before the defrag starts
    t0=$(now)
    "$CTL" --endpoints "127.0.0.1:$cport" --command-timeout 30m defrag >/dev/null
    t1=$(now)
    wait "$b" || true
    during=$(tail -1 "$dir.bench")
    after=$(size)
    f() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
    row() { echo "$(f "$1" rps), $(f "$1" p50_ms) / $(f "$1" p99_ms) / $(f "$1" max_ms) ms"; }
    echo "| $subject | $(secs "$t0" "$t1") s | $(row "$during") | $(row "$base") | $before / $after MiB |"
    stop "$p"; rm -rf "$dir"
  done
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
