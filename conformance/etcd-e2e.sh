#!/usr/bin/env bash
# conformance/etcd-e2e.sh: etcd 3.4's own end-to-end suite (Debian's golang-etcd-server-dev) against
# this project's launcher, or against real etcd with --against-etcd to check the harness.
#
#   conformance/etcd-e2e.sh                       every non-v2 test (211) against bin/etcd
#   conformance/etcd-e2e.sh --against-etcd        the same against Debian's /usr/bin/etcd
#   conformance/etcd-e2e.sh --run 'TestCtlV3(Put|Get)$' --test-timeout 60 --total-timeout 1800
#
# Each test runs in its own e2e.test process (-test.run '^Name$'), bounded by --test-timeout, so a
# hung test cannot take the rest down; the whole run stops starting tests after --total-timeout.
# The suite starts members on fixed ports 20000+ (its etcdProcessBasePort); as root, each test runs
# in a private network namespace (unshare -n, loopback only) so runs cannot collide (--no-netns: off). Prints one line per test and a count; --out FILE writes them as markdown.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ARGS=("$@")
AGAINST=ours RUN='.' TEST_TIMEOUT=120 TOTAL_TIMEOUT=5400 OUT="" KEEP=0 NETNS=1 EXAMPLE_CONFIG=""
usage() {
  sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  cat <<'EOF'

Flags: --against-etcd  --run REGEX (all)  --test-timeout SECS (120)
       --total-timeout SECS (5400)  --out FILE (markdown)  --keep (keep logs and data in the temp dir)
       --no-netns (share the machine's network namespace: one run at a time, ports 20000+ free)
       --example-config FILE (etcd's etcd.conf.yml.sample, which Debian does not ship; TestEtcdExampleConfig
         reads it from ../../etcd.conf.yml.sample and fails without it, for real etcd too)
EOF
}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --against-etcd) AGAINST=etcd ;;
    --run) RUN="$2"; shift ;;
    --run=*) RUN="${1#*=}" ;;
    --test-timeout) TEST_TIMEOUT="$2"; shift ;;
    --test-timeout=*) TEST_TIMEOUT="${1#*=}" ;;
    --total-timeout) TOTAL_TIMEOUT="$2"; shift ;;
    --total-timeout=*) TOTAL_TIMEOUT="${1#*=}" ;;
    --out) OUT="$2"; shift ;;
    --out=*) OUT="${1#*=}" ;;
    --keep) KEEP=1 ;;
    --no-netns) NETNS=0 ;;
    --example-config) EXAMPLE_CONFIG="$(realpath "$2")"; shift ;;
    --example-config=*) EXAMPLE_CONFIG="$(realpath "${1#*=}")" ;;
    -h|--help) usage; exit 0 ;;
    *) echo "etcd-e2e.sh: unknown flag $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
log() { echo "etcd-e2e.sh: $*" >&2; }
die() { echo "etcd-e2e.sh: cannot run etcd's e2e suite here: $*" >&2; exit 3; }

# ---- packages --------------------------------------------------------------------------------------
SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
need=()
for pkg in golang-etcd-server-dev golang-go etcd-client etcd-server; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if [[ ${#need[@]} -gt 0 ]]; then
  for pkg in "${need[@]}"; do
    if ! apt-cache policy "$pkg" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
      $SUDO apt-get update -q >&2 || true
      if ! apt-cache policy "$pkg" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
        alt=$(apt-cache search --names-only "${pkg%-dev}" 2>/dev/null | sed -n 1,5p | cut -d' ' -f1 | tr '\n' ' ' || true)
        die "Debian package $pkg is not available from apt here (apt-cache search suggests: ${alt:-nothing})"
      fi
    fi
  done
  log "installing ${need[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >&2 \
    || die "apt-get install ${need[*]} failed"
fi
command -v go >/dev/null || die "golang-go is installed but 'go' is not on PATH"

# ---- the suite's import path and fixtures -------------------------------------------------------
GOCODE=/usr/share/gocode
main_test=$(find "$GOCODE/src" -path '*/tests/e2e/main_test.go' -print -quit 2>/dev/null || true)
[[ -n "$main_test" ]] || die "no tests/e2e/main_test.go under $GOCODE/src (golang-etcd-server-dev ships no e2e suite?)"
E2E_DIR=$(dirname "$main_test")
PKG=${E2E_DIR#"$GOCODE/src/"}              # go.etcd.io/etcd/tests/e2e in 3.4
ETCD_SRC=${E2E_DIR%/tests/e2e}
FIXTURES="$ETCD_SRC/integration/fixtures"
[[ -f "$FIXTURES/server.crt" ]] || die "no TLS fixtures at $FIXTURES"
VERSION=$(dpkg-query -W -f='${Version}' golang-etcd-server-dev)

# ---- build (cached in target/ per package version and Go version) -------------------------------
CACHE="$ROOT/target/conformance"
mkdir -p "$CACHE"
E2E_BIN="$CACHE/e2e-$VERSION-$(go env GOVERSION).test"
if [[ ! -x "$E2E_BIN" ]]; then
  log "building $PKG $VERSION (GOPATH mode)"
  if ! (cd "$CACHE" && GO111MODULE=off GOFLAGS= GOPATH="$CACHE/gopath:$GOCODE" GOCACHE="$CACHE/gocache" \
      go test -c -o "$E2E_BIN.tmp" "$PKG") >"$CACHE/build.log" 2>&1; then
    tail -n 20 "$CACHE/build.log" >&2
    die "go test -c $PKG failed (GO111MODULE=off, GOPATH=$CACHE/gopath:$GOCODE); log: $CACHE/build.log"
  fi
  mv "$E2E_BIN.tmp" "$E2E_BIN"
fi

# ---- the layout the suite expects ------------------------------------------------------------------
# cwd = $WORK/tests/e2e so that its default --cert-dir ../../integration/fixtures and the JWT tests'
# hard-coded ../../integration/fixtures/server.crt resolve; bin-dir holds `etcd` and `etcdctl`.
WORK="$(mktemp -d "${TMPDIR:-/tmp}/akka-etcd-e2e.XXXXXX")"
mkdir -p "$WORK/tests/e2e" "$WORK/integration" "$WORK/bin" "$WORK/tmp" "$WORK/logs"
ln -s "$FIXTURES" "$WORK/integration/fixtures"
ln -s "$(command -v etcdctl || echo /usr/bin/etcdctl)" "$WORK/bin/etcdctl"
[[ -n "$EXAMPLE_CONFIG" ]] && ln -s "$EXAMPLE_CONFIG" "$WORK/etcd.conf.yml.sample"
# Every process of this run carries this variable, so leftovers can be found by PID and stopped.
MARK="AKKA_ETCD_E2E_RUN=$WORK"
if [[ $AGAINST == etcd ]]; then
  printf '#!/bin/sh\nexec /usr/bin/etcd "$@"\n' >"$WORK/bin/etcd"
  SUBJECT="real etcd $(/usr/bin/etcd --version | sed -n 1p | sed 's/.*: //')"
else
  if [[ ! -s "$ROOT/target/runtime-classpath.txt" ]]; then
    log "building akka-etcd"
    (cd "$ROOT" && { mvn -q -B -o -DskipTests package || mvn -q -B -DskipTests package; }) >&2
  fi
  # JIT and GC settings for a fast start: the suite starts up to 3 members per test and waits for them.
  cat >"$WORK/bin/etcd" <<EOF
#!/bin/sh
export AKKA_ETCD_SKIP_BUILD=1
# etcd's suite passes these to many tests (--experimental-initial-corrupt-check to every testCtl); this
# member refuses flags it does not serve, unless tolerated (docs/conformance.md)
export AKKA_ETCD_TOLERATE_UNSERVED="\${AKKA_ETCD_TOLERATE_UNSERVED:-experimental-initial-corrupt-check,strict-reconfig-check}"
export JAVA_OPTS="\${E2E_JAVA_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError}"
exec "$ROOT/bin/etcd" "\$@"
EOF
  SUBJECT="akka-etcd $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
fi
chmod +x "$WORK/bin/etcd"

marked_pids() {
  local f
  for f in /proc/[0-9]*/environ; do
    grep -qzx -- "$MARK" "$f" 2>/dev/null && { f=${f#/proc/}; echo "${f%/environ}"; }
  done
  return 0
}
stop_leftovers() {
  local pids
  pids=$(marked_pids | grep -vx "$$" || true)
  [[ -z "$pids" ]] && return 0
  # shellcheck disable=SC2086
  kill -9 $pids 2>/dev/null || true
  sleep 0.5
}
cleanup() {
  stop_leftovers
  if [[ $KEEP == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'log "interrupted (SIGINT)"; exit 130' INT
trap 'log "terminated (SIGTERM)"; exit 143' TERM
trap 'log "hung up (SIGHUP)"; exit 129' HUP

# ---- run -----------------------------------------------------------------------------------------
ISOLATE=()
if [[ $NETNS == 1 ]]; then
  if [[ $(id -u) -eq 0 ]] && unshare -n sh -c 'ip link set lo up' 2>/dev/null; then
    ISOLATE=(unshare -n sh -c 'ip link set lo up && exec "$@"' sh)
  else
    log "no private network namespace (needs root, unshare and ip): sharing ports 20000+ with the machine"
  fi
fi
# The v2 API is gone from this project (and deprecated in etcd 3.4): TestCtlV2*, TestV2* never count.
mapfile -t TESTS < <(cd "$WORK/tests/e2e" && "$E2E_BIN" -test.list "$RUN" | grep -Ev '^Test(Ctl)?V2')
[[ ${#TESTS[@]} -gt 0 ]] || die "no tests match $RUN"
log "$SUBJECT: ${#TESTS[@]} tests matching '$RUN' from $PKG $VERSION, ${TEST_TIMEOUT}s each at most"
rm -f "$CACHE/last-$AGAINST-"*.log
START=$SECONDS
pass=0 fail=0 skip=0 notrun=0
RESULTS=()
for t in "${TESTS[@]}"; do
  if (( SECONDS - START > TOTAL_TIMEOUT )); then
    RESULTS+=("NOT RUN|$t|total timeout ${TOTAL_TIMEOUT}s reached"); notrun=$((notrun + 1)); continue
  fi
  t0=$SECONDS
  set +e
  (cd "$WORK/tests/e2e" && exec "${ISOLATE[@]}" env "$MARK" TMPDIR="$WORK/tmp" timeout -k 5 $((TEST_TIMEOUT + 10)) \
    "$E2E_BIN" -test.run "^${t}\$" -test.v -test.timeout "${TEST_TIMEOUT}s" -bin-dir "$WORK/bin") \
    >"$WORK/logs/$t.log" 2>&1
  rc=$?
  set -e
  stop_leftovers
  rm -rf "${WORK:?}/tmp/"* 2>/dev/null || true
  secs=$((SECONDS - t0))
  if grep -q -- "^--- PASS: $t " "$WORK/logs/$t.log"; then
    status=PASS; pass=$((pass + 1)); why=""
    # TestMain's goroutine-leak check runs after the test and fails the process, not the test; under
    # load it catches the pty reader of a just-killed member. Counted as a pass, said aloud.
    if [[ $rc != 0 ]]; then
      why="(passed; the exit-time goroutine-leak check then failed: $(grep -m1 -E 'Too many goroutines|^panic' "$WORK/logs/$t.log" | cut -c1-60 || true))"
    fi
  elif grep -q -- "^--- SKIP: $t " "$WORK/logs/$t.log"; then
    status=SKIP; skip=$((skip + 1)); why=$(grep -m1 -A1 -- "^--- SKIP" "$WORK/logs/$t.log" | tail -n 1 | sed 's/^\s*//' || true)
  else
    status=FAIL; fail=$((fail + 1))
    if grep -q 'panic: test timed out' "$WORK/logs/$t.log" || [[ $rc == 124 || $rc == 137 ]]; then
      why="timed out after ${TEST_TIMEOUT}s"
    else
      # The first assertion or error the test printed.
      why=$(grep -m1 -E '\.go:[0-9]+: ' "$WORK/logs/$t.log" | sed 's/^\s*//' | cut -c1-160 || true)
      # No assertion line: a panic, a leaked goroutine or a bare exit; the log's last words then.
      [[ -n "$why" ]] || why=$(grep -m1 -E '^panic: |unexpected goroutine|^FAIL|Error' "$WORK/logs/$t.log" | cut -c1-160 || true)
      [[ -n "$why" ]] || why="exit $rc: $(grep -v '^\s*$' "$WORK/logs/$t.log" | tail -n 1 | cut -c1-140 || true)"
    fi
  fi
  printf '%-4s %-52s %4ss  %s\n' "$status" "$t" "$secs" "$why"
  RESULTS+=("$status|$t|$why")
  if [[ $status == FAIL ]]; then cp "$WORK/logs/$t.log" "$CACHE/last-$AGAINST-$t.log" 2>/dev/null || true; fi
done
total=${#TESTS[@]}
SUMMARY="$SUBJECT: $pass of $total passed, $fail failed, $skip skipped, $notrun not run ($(( SECONDS - START )) s; $(date -u '+%Y-%m-%d %H:%M UTC'))"
echo
echo "$SUMMARY"
echo "RESULT subject=$AGAINST total=$total pass=$pass fail=$fail skip=$skip notrun=$notrun"
log "logs of the failed tests: $CACHE/last-$AGAINST-*.log"
if [[ -n "$OUT" ]]; then
  {
    echo "<!-- conformance/etcd-e2e.sh ${ARGS[*]} -->"
    echo "$SUMMARY"
    echo
    echo "| result | test | first failure line |"
    echo "|---|---|---|"
    for r in "${RESULTS[@]}"; do IFS='|' read -r s n w <<<"$r"; echo "| $s | $n | ${w//|/\\|} |"; done
  } >"$OUT"
  log "wrote $OUT"
fi
[[ $fail == 0 && $notrun == 0 ]]
