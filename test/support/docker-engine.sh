#!/usr/bin/env bash
# Makes sure a Docker engine answers on /var/run/docker.sock and that the base image of the docker runtime's
# tests exists, as ../shared/ENVIRONMENT.md describes for machines that reach no image registry:
#   1. Debian's docker.io and debootstrap packages (apt-get), when dockerd is missing;
#   2. dockerd in the background (log: /var/log/crypto-bench-dockerd.log), when no engine answers;
#   3. crypto-bench/debian:bookworm, a minimal Debian made with debootstrap and imported, when missing.
# Idempotent: on a machine where all three are in place it changes nothing. Needs root for steps 1 and 2.
#   test/support/docker-engine.sh [BASE_IMAGE]     (default crypto-bench/debian:bookworm)
set -euo pipefail

base_image=${1:-crypto-bench/debian:bookworm}
log=/var/log/crypto-bench-dockerd.log

say() { printf 'docker-engine: %s\n' "$*" >&2; }

engine_answers() { docker version --format '{{.Server.Version}}' > /dev/null 2>&1; }

if ! engine_answers; then
  if ! command -v dockerd > /dev/null 2>&1 || ! command -v debootstrap > /dev/null 2>&1; then
    say "installing docker.io and debootstrap (Debian packages)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq docker.io debootstrap > /dev/null
  fi
  say "starting dockerd (log: $log)"
  setsid dockerd --host unix:///var/run/docker.sock > "$log" 2>&1 < /dev/null &
  for _ in $(seq 1 60); do
    engine_answers && break
    sleep 1
  done
  if ! engine_answers; then
    say "dockerd did not answer within 60 s; last lines of $log:"
    tail -n 20 "$log" >&2
    exit 1
  fi
fi
say "Docker $(docker version --format '{{.Server.Version}}') answers"

if ! docker image inspect "$base_image" > /dev/null 2>&1; then
  if [ "$base_image" != crypto-bench/debian:bookworm ]; then
    say "base image $base_image is missing and only crypto-bench/debian:bookworm can be made here"
    exit 1
  fi
  command -v debootstrap > /dev/null 2>&1 || apt-get install -y -qq debootstrap > /dev/null
  rootfs=$(mktemp -d /var/tmp/crypto-bench-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  say "making $base_image with debootstrap (about a minute)"
  debootstrap --variant=minbase bookworm "$rootfs" > /dev/null
  tar -C "$rootfs" -c . | docker import - "$base_image" > /dev/null
fi
say "base image $base_image is there"
