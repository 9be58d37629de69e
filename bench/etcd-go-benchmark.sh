#!/usr/bin/env bash
# bench/etcd-go-benchmark.sh: builds etcd 3.4's own benchmark tool (tools/benchmark: the grpc-go
# clientv3 that etcdctl and kube-apiserver use) and prints the path of the binary on stdout.
#
# Debian's golang-etcd-server-dev ships etcd 3.4's library source under /usr/share/gocode but not
# tools/benchmark, so its source comes from (first found):
#   ETCD_BENCHMARK=/path/to/benchmark   a binary built already: used as it is
#   /usr/share/gocode/src/go.etcd.io/etcd/tools/benchmark, if a Debian package ever ships it
#   ETCD_SRC=/path/to/etcd              a git clone of etcd (github.com/etcd-io/etcd): tools/benchmark
#                                       of tag ETCD_TAG (v3.4.23, Debian's server version) is taken
# It is built in GOPATH mode against Debian's clientv3 (as conformance/etcd-e2e.sh builds etcd's e2e
# suite), so the client library is the one of the etcd version under test. Cached in
# target/etcd-benchmark/ per tag and Go version.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GOCODE=/usr/share/gocode
TAG="${ETCD_TAG:-v3.4.23}"
die() { echo "etcd-go-benchmark.sh: $*" >&2; exit 1; }

if [[ -n "${ETCD_BENCHMARK:-}" ]]; then
  [[ -x "$ETCD_BENCHMARK" ]] || die "ETCD_BENCHMARK=$ETCD_BENCHMARK is not an executable"
  echo "$ETCD_BENCHMARK"; exit 0
fi
command -v go >/dev/null || die "no 'go' on PATH (apt-get install golang-go)"
[[ -d "$GOCODE/src/go.etcd.io/etcd/clientv3" ]] \
  || die "no etcd 3.4 source under $GOCODE (apt-get install golang-etcd-server-dev)"

CACHE="$ROOT/target/etcd-benchmark"
BIN="$CACHE/benchmark-$TAG-$(go env GOVERSION)"
if [[ -x "$BIN" ]]; then echo "$BIN"; exit 0; fi

SRC_GOPATH="$CACHE/gopath"
rm -rf "$SRC_GOPATH"; mkdir -p "$SRC_GOPATH/src/go.etcd.io/etcd"
if [[ -d "$GOCODE/src/go.etcd.io/etcd/tools/benchmark" ]]; then
  SRC_GOPATH=""   # Debian's own copy, found through GOPATH=$GOCODE
elif [[ -n "${ETCD_SRC:-}" ]]; then
  git -C "$ETCD_SRC" rev-parse --verify -q "$TAG^{commit}" >/dev/null \
    || die "ETCD_SRC=$ETCD_SRC has no tag $TAG"
  git -C "$ETCD_SRC" archive "$TAG" tools/benchmark | tar -x -C "$SRC_GOPATH/src/go.etcd.io/etcd"
else
  die "no source for etcd's tools/benchmark: set ETCD_SRC to a git clone of etcd (tag $TAG is used), or ETCD_BENCHMARK to a built binary"
fi

echo "etcd-go-benchmark.sh: building go.etcd.io/etcd/tools/benchmark $TAG (GOPATH mode, Debian's clientv3)" >&2
# The tool's own package comes from SRC_GOPATH; everything it imports (clientv3, grpc-go, cobra, ...)
# from Debian's tree, which the first GOPATH entry does not have.
(cd "$CACHE" && GO111MODULE=off GOFLAGS= GOPATH="${SRC_GOPATH:+$SRC_GOPATH:}$GOCODE" GOCACHE="$CACHE/gocache" \
  go build -o "$BIN.tmp" go.etcd.io/etcd/tools/benchmark) >"$CACHE/build.log" 2>&1 \
  || { tail -n 20 "$CACHE/build.log" >&2; die "go build failed; log: $CACHE/build.log"; }
mv "$BIN.tmp" "$BIN"
echo "$BIN"
