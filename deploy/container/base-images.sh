#!/usr/bin/env bash
# Makes the Dockerfile's two FROM images from Debian packages, for a machine that has podman but no
# image registry (docs/deploy.md): Debian bookworm (mmdebstrap, from the Debian mirror apt uses)
# with OpenJDK 17, imported and tagged with the names the Dockerfile uses:
#   eclipse-temurin:17-jre          openjdk-17-jre-headless (the runtime stage)
#   maven:3-eclipse-temurin-17      openjdk-17-jdk-headless and maven (the build stage)
# Not the upstream images; the same roles. Existing tags are kept unless --force.
set -euo pipefail
force=0; [ "${1:-}" = "--force" ] && force=1
for tool in podman mmdebstrap; do
  command -v "$tool" >/dev/null || { echo "base-images.sh: needs $tool (apt-get install -y podman runc mmdebstrap)" >&2; exit 3; }
done
# As ETCD-FACTS.md found for these machines: runc (crun fails on hybrid cgroups), cgroupfs, no default
# ulimits (setrlimit is refused); a containers.conf saying so unless the caller has one.
if [ -z "${CONTAINERS_CONF:-}" ]; then
  export CONTAINERS_CONF="${TMPDIR:-/tmp}/akka-etcd-containers.conf"
  printf '[containers]\ndefault_ulimits = []\n' > "$CONTAINERS_CONF"
fi
podman=(podman --runtime runc --cgroup-manager=cgroupfs)
make() { # tag, packages
  local tag="$1" packages="$2"
  if [ "$force" = 0 ] && "${podman[@]}" image exists "$tag"; then
    echo "base-images.sh: $tag exists" >&2; return
  fi
  local root; root="$(mktemp -d)"
  trap 'rm -rf "$root"' RETURN
  echo "base-images.sh: $tag from bookworm + $packages" >&2
  # The machine's own extra CAs (/usr/local/share/ca-certificates) go in too: where HTTPS passes through
  # an intercepting proxy, the build stage reaches Maven Central only if it trusts what this machine trusts.
  # (not /usr/share/man: the JDK's update-alternatives links its man pages and fails without the dirs)
  # passwd: useradd for the Dockerfile's non-root user; ca-certificates: the build stage reaches Maven Central
  mmdebstrap --variant=minbase --include="passwd,ca-certificates,$packages" \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --customize-hook='copy-in /usr/local/share/ca-certificates /usr/local/share' \
    --customize-hook='chroot "$1" update-ca-certificates --fresh' \
    bookworm "$root/rootfs" >&2
  tar -C "$root/rootfs" -c . | "${podman[@]}" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-$(dpkg --print-architecture)" \
    --change 'CMD ["bash"]' - "$tag" >&2
}
make docker.io/library/eclipse-temurin:17-jre openjdk-17-jre-headless
make docker.io/library/maven:3-eclipse-temurin-17 openjdk-17-jdk-headless,maven
