#!/usr/bin/env bash
# Tests the Go SDK from nothing: gofmt, go vet, staticcheck (installed into .bin at the pinned
# version), then go test — unit and httptest suites, the runnable examples, every shared
# conformance scenario against Prism (test/harness/serve.mjs, started by TestMain), and every
# shared behaviour scenario (test/behaviour/*.yaml) against a fresh local tensor-box server each
# (behaviour_server_test.go; the server is built first, below).
set -euo pipefail
cd "$(dirname "$0")/.."

STATICCHECK_VERSION=v0.8.2 # honnef.co/go/tools; accepted on Go 1.26

if ! command -v go >/dev/null; then
  echo "go-sdk: the Go toolchain (1.23 or later) is not on PATH" >&2
  exit 1
fi
# The conformance harness runs Prism from the monorepo's npm dependencies.
if [ ! -x ../../node_modules/.bin/prism ]; then
  bash ../../scripts/ensure-deps.sh
fi

echo "==> gofmt"
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
  echo "not gofmt-clean:" >&2
  echo "$unformatted" >&2
  exit 1
fi

echo "==> go vet"
go vet ./...

echo "==> staticcheck $STATICCHECK_VERSION"
bin="$PWD/.bin"
if [ ! -x "$bin/staticcheck" ] || ! "$bin/staticcheck" -version | grep -qF "(${STATICCHECK_VERSION#v})"; then
  GOBIN="$bin" go install "honnef.co/go/tools/cmd/staticcheck@${STATICCHECK_VERSION}"
fi
"$bin/staticcheck" ./...

# The race detector needs cgo (a C compiler); this project's machines have gcc.
race=-race
if [ "$(go env CGO_ENABLED)" != 1 ]; then
  echo "note: cgo is off here, so go test runs without the race detector" >&2
  race=
fi
# The behaviour scenarios run the local server's built command (packages/server/dist/cli.js):
# build it (after the TS SDK, tensor-box, which the server package depends on for its tests).
echo "==> build the local server (tensor-box, @tensor-box/server)"
(cd ../.. && npm run build -w tensor-box && npm run build -w @tensor-box/server)

echo "==> go test $race"
go test -count=1 $race ./...
