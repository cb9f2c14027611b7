#!/usr/bin/env bash
# Runs every test of the project, installing whatever they need first (npm packages, Prism,
# Python venvs, Go modules). `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

bash scripts/ensure-deps.sh

echo "==> drift check: committed generated code vs. spec/openapi.yaml"
npx --no-install tsc -b generator
node generator/dist/cli.js --check

echo "==> build and test every package (turbo)"
rm -rf test/faults/.results
# Each fault-vector runner's results file is a declared turbo output, so a cached test restores it.
# One task at a time: several suites measure retry waits and timeouts, which a machine running
# four test suites at once on two cores would blur.
npx --no-install turbo run build test --continue --concurrency=1 --output-logs=new-only "$@"

node test/faults/table.mjs
