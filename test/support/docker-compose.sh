#!/usr/bin/env bash
# Makes sure `docker compose` (v2) answers, for the test that runs the generated compose file:
#   1. a Docker engine and the tests' base image, through docker-engine.sh next to this script;
#   2. Compose v2, when `docker compose version` does not answer: Debian has only v1 (docker-compose 1.29),
#      so it is built from its Go module (about 80 s the first time, with Go 1.21 or newer) and installed as
#      the CLI plugin ${DOCKER_CONFIG:-~/.docker}/cli-plugins/docker-compose.
# Idempotent: where an engine, the base image and the plugin are there it changes nothing.
#   test/support/docker-compose.sh [BASE_IMAGE]     (passed to docker-engine.sh)
set -euo pipefail

version=v2.29.7
module=github.com/docker/compose/v2
plugins=${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins

say() { printf 'docker-compose: %s\n' "$*" >&2; }

bash "$(dirname "${BASH_SOURCE[0]}")/docker-engine.sh" "$@"

if docker compose version > /dev/null 2>&1; then
  say "$(docker compose version) answers"
  exit 0
fi

go=$(command -v go || true)
if [ -z "$go" ] && [ -x /usr/local/go/bin/go ]; then go=/usr/local/go/bin/go; fi
if [ -z "$go" ]; then
  say "Go is needed to build Compose $version (Debian's docker-compose is v1); install Go 1.21 or newer"
  exit 1
fi

gobin=$(mktemp -d /var/tmp/crypto-bench-compose.XXXXXX)
trap 'rm -rf "$gobin"' EXIT
say "building Compose $version with $("$go" version | cut -d' ' -f3) (about 80 s the first time)"
GOBIN=$gobin "$go" install -ldflags "-X $module/internal.Version=$version" "$module/cmd@$version"
install -D -m 0755 "$gobin/cmd" "$plugins/docker-compose"
say "$(docker compose version) installed in $plugins"
