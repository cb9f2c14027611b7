#!/usr/bin/env bash
# One command for a fresh machine: install everything, then regenerate every output from the spec.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/generate.sh
