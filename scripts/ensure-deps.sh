#!/usr/bin/env bash
# Installs the npm dependencies exactly as locked, unless node_modules already matches the lock.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.tensor-box-lock-stamp
if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
  exit 0
fi
echo "==> installing npm dependencies (npm ci)"
npm ci --no-audit --no-fund
cp package-lock.json "$stamp"
