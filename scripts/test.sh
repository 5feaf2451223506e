#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine or a developer's: installs
# what the tests need (redis-server, Debian's chromium with the Noto CJK fonts
# for the browser tests, node/npm and axe-core (npm, into .cache/npm) for
# their accessibility check, JDK/Maven for the OpenSearch node), starts a
# real single-node OpenSearch 2.x with Korean (nori) analysis, runs every Go
# test, and stops the node. A full run then fuzzes a live searchd in both
# modes with its OpenAPI contract (schemathesis from PyPI in a venv under
# tools/schemathesis/.venv; python3-venv from apt when missing):
# tools/schemathesis/run.sh.
#
#   bash scripts/test.sh            # everything
#   bash scripts/test.sh ./ingest/... -run Stream   # extra args go to `go test`
set -euo pipefail
cd "$(dirname "$0")/.."
export SEARCHD_REQUIRE_ALL=1 # a missing component fails its tests, never skips them

need_apt=()
command -v redis-server >/dev/null || need_apt+=(redis-server)
command -v redis-benchmark >/dev/null || need_apt+=(redis-tools)
command -v java >/dev/null || need_apt+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need_apt+=(maven)
command -v curl >/dev/null || need_apt+=(curl)
command -v go >/dev/null || need_apt+=(golang-go)
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
SEARCHD_TEST_ES_URL="$(cat "${SEARCHD_OPENSEARCH_HOME:-tools/opensearch/.node}/url")"
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
