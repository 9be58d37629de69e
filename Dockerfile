# akka-etcd as a container image: built with Maven, run on a Java 17 runtime as a non-root user.
#   docker build -t akka-etcd .        (podman build: the same; see docs/deploy.md for machines
#                                        without a registry, where deploy/container/base-images.sh
#                                        makes the two FROM images from Debian packages)
#   docker run -p 2379:2379 -p 2380:2380 -v etcd-data:/var/lib/etcd akka-etcd
# Every etcd flag works as an argument or as an ETCD_* variable (-e ETCD_NAME=etcd-0 ...).

FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY src ./src
# The build makes the release archive (README "Installing a release"); tests are left to CI.
RUN mvn -B -ntp -Dmaven.test.skip=true package \
 && mkdir /release \
 && tar -xzf target/akka-etcd-*.tar.gz -C /release --strip-components=1

FROM eclipse-temurin:17-jre
# The commit, for `etcd --version` (the build context carries no .git): --build-arg GIT_SHA=$(git rev-parse --short HEAD)
ARG GIT_SHA=""
RUN groupadd --system --gid 2379 etcd \
 && useradd --system --uid 2379 --gid etcd --home-dir /var/lib/etcd --shell /usr/sbin/nologin etcd \
 && mkdir -p /var/lib/etcd \
 && chown etcd:etcd /var/lib/etcd \
 && chmod 0700 /var/lib/etcd
COPY --from=build /release /opt/akka-etcd
# Defaults a container needs (listen on every interface, data on the volume), as ETCD_* variables so that
# each one can be replaced with -e; a flag given as an argument wins over its variable.
ENV ETCD_DATA_DIR=/var/lib/etcd \
    ETCD_LISTEN_CLIENT_URLS=http://0.0.0.0:2379 \
    ETCD_LISTEN_PEER_URLS=http://0.0.0.0:2380 \
    AKKA_ETCD_GIT_SHA=${GIT_SHA} \
    PATH=/opt/akka-etcd/bin:$PATH
USER etcd
WORKDIR /var/lib/etcd
VOLUME ["/var/lib/etcd"]
EXPOSE 2379 2380
# /health on the client port, with bash alone (no curl in a slim image): {"health":"true"} or unhealthy.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${AKKA_ETCD_HEALTH_PORT:-2379} && printf 'GET /health HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && grep -q '\"health\":\"true\"' <&3"]
# bin/etcd execs java, so java is PID 1 and receives SIGTERM (docker stop): its shutdown hook closes
# the member, as etcd does on SIGTERM.
ENTRYPOINT ["/opt/akka-etcd/bin/etcd"]
