#!/usr/bin/env bash
# Checks that the `go` on PATH is at least the version go.mod names; if not,
# says what to install and exits 1. scripts/test.sh runs it first. It never
# installs Go: Debian 12's golang-go package is Go 1.19, which cannot build
# this module.
set -euo pipefail
cd "$(dirname "$0")/.."
want_go=$(sed -n 's/^go \([0-9.]*\)$/\1/p' go.mod)
have_go=$(go env GOVERSION 2>/dev/null | sed 's/^go//') || have_go=""
if [ -z "$have_go" ] || [ "$(printf '%s\n%s\n' "$want_go" "$have_go" | sort -V | head -n1)" != "$want_go" ]; then
  echo "check-go.sh: this module needs Go $want_go or newer; found ${have_go:-no go on PATH}." >&2
  echo "check-go.sh: install it from https://go.dev/dl/ (go$want_go.linux-amd64.tar.gz unpacked into /usr/local, then PATH=/usr/local/go/bin:\$PATH)." >&2
  echo "check-go.sh: do not use Debian 12's golang-go package: it is Go 1.19." >&2
  exit 1
fi
echo "check-go.sh: Go $have_go (go.mod needs $want_go)"
