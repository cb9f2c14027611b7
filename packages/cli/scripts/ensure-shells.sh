#!/usr/bin/env bash
# The completion tests run the generated scripts in real bash, zsh and fish: install the two
# that Debian does not ship by default.
set -euo pipefail
missing=()
for shell in zsh fish; do command -v "$shell" >/dev/null || missing+=("$shell"); done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "==> installing ${missing[*]} (apt-get) for the completion tests"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
