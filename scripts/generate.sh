#!/usr/bin/env bash
# Regenerates every output from spec/openapi.yaml. Arguments go to the generator:
#   npm run generate -- --check          compare only, list what differs
#   npm run generate -- --target ts      one target
#   npm run generate -- --spec other.yaml --out /tmp/out
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
[ -d node_modules ] || bash scripts/ensure-deps.sh
npx --no-install tsc -b generator >/dev/null
exec node generator/dist/cli.js "$@"
