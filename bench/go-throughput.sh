#!/usr/bin/env bash
# Loopback call throughput of the Go SDK vs raw net/http with the same keep-alive client,
# measured in one run; prints both rates and the ratio (target: at least 0.95).
#   bash bench/go-throughput.sh [-calls N] [-rounds N] [-min RATIO]
set -euo pipefail
cd "$(dirname "$0")/go-throughput"
exec go run . "$@"
