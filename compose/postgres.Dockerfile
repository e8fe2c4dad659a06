# PostgreSQL for crypto-bench, from the base image's own (Debian or Ubuntu) postgresql package. The
# entrypoint initialises the database on first start and runs the server with track_commit_timestamp=on.
#
#   docker build -f compose/postgres.Dockerfile --build-arg BASE_IMAGE=eclipse-temurin:17-jre -t crypto-bench/postgres .
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}

RUN set -eu; apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql \
    && rm -rf /var/lib/apt/lists/* \
    && install -d -o postgres -g postgres -m 0700 /var/lib/crypto-bench/pgdata
COPY compose/bin/postgres-start /usr/local/bin/postgres-start
COPY compose/config/postgres/ /opt/crypto-bench/compose/config/postgres/
# SIGINT is PostgreSQL's fast shutdown: open transactions roll back and the server exits at once.
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/postgres-start"]
