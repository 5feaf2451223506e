#!/usr/bin/env bash
# The whole test suite, on a fresh Debian 12 machine or a developer's:
#   - checks that `go` is at least the version go.mod names and stops with
#     what to install otherwise (it never installs Go: Debian 12's golang-go
#     is 1.19, which cannot build this module);
#   - installs with apt-get, as root, whichever of these is missing:
#     redis-server, redis-tools, openjdk-17-jdk-headless, maven, curl,
#     chromium, fonts-noto-cjk (browser tests), npm (axe-core into .cache/npm
#     for their accessibility check);
#   - builds OpenSearch 2.19.1 with our nori plugin from Maven Central
#     (tools/opensearch/), starts it on a free port, runs `go vet` and every
#     Go test against it and real redis-servers, and stops the node;
#   - a full run then fuzzes a live searchd in both modes with its OpenAPI
#     contract: tools/schemathesis/run.sh (schemathesis from PyPI in a venv
#     under tools/schemathesis/.venv; python3-venv from apt when missing).
# The first run downloads the Go modules (the Korean dictionary module is
# about 90 MB) and builds for about two minutes on two cores.
#
#   bash scripts/test.sh            # everything
#   bash scripts/test.sh ./ingest/... -run Stream   # extra args go to `go test`
set -euo pipefail
cd "$(dirname "$0")/.."
export SEARCHD_REQUIRE_ALL=1 # a missing component fails its tests, never skips them

# Go first: everything else is pointless without a toolchain that can build
# the module.
bash scripts/check-go.sh

need_apt=()
command -v redis-server >/dev/null || need_apt+=(redis-server)
command -v redis-benchmark >/dev/null || need_apt+=(redis-tools)
command -v java >/dev/null || need_apt+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need_apt+=(maven)
command -v curl >/dev/null || need_apt+=(curl)
command -v chromium >/dev/null || need_apt+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need_apt+=(fonts-noto-cjk)
command -v npm >/dev/null || need_apt+=(npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "test.sh: missing ${need_apt[*]}; run as root or install them" >&2
    exit 1
  fi
  echo "test.sh: installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# axe-core for the browser tests' accessibility check (gitignored).
if [ ! -f .cache/npm/node_modules/axe-core/axe.min.js ]; then
  echo "test.sh: installing axe-core with npm into .cache/npm"
  mkdir -p .cache/npm
  npm install --prefix .cache/npm --no-save --no-audit --no-fund --loglevel=error axe-core@4 >/dev/null
fi

node_started=0
cleanup() {
  if [ "$node_started" = 1 ]; then bash tools/opensearch/opensearch.sh stop || true; fi
}
trap cleanup EXIT

echo "test.sh: preparing OpenSearch with nori"
bash tools/opensearch/opensearch.sh install
bash tools/opensearch/opensearch.sh start
node_started=1
# Tests that start their own node (to freeze or kill it) use this install.
export SEARCHD_OPENSEARCH_HOME="${SEARCHD_OPENSEARCH_HOME:-$PWD/tools/opensearch/.node}"
SEARCHD_TEST_ES_URL="$(cat "$SEARCHD_OPENSEARCH_HOME/url")"
export SEARCHD_TEST_ES_URL
echo "test.sh: OpenSearch at $SEARCHD_TEST_ES_URL"

echo "test.sh: go vet"
go vet ./...
echo "test.sh: go test"
full_run=0
if [ $# -eq 0 ]; then set -- ./...; full_run=1; fi
go test -count=1 -timeout 45m "$@"
if [ "$full_run" = 1 ]; then
  echo "test.sh: schemathesis against a live searchd (embedded and elastic mode)"
  bash tools/schemathesis/run.sh
fi
