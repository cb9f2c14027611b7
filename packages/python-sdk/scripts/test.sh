#!/usr/bin/env bash
# Every test of the Python SDK, from nothing: creates .venv, installs the pinned dev requirements
# from PyPI and the SDK itself (editable), then runs pytest: the shared conformance scenarios
# against Prism, the shared fault vectors against the fault server and the shared behaviour
# scenarios against the local server (Sandbox and AsyncSandbox each), the in-process fake-server tests, a spec with one more operation generated and used,
# ruff, mypy --strict (3.9 and current), and the sdist/wheel installed into fresh venvs.
#   bash scripts/test.sh            everything
#   bash scripts/test.sh -k retry   extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."
repo_root=$(cd ../.. && pwd)
python=${PYTHON:-python3}

# Prism and the recording proxy come from the monorepo's npm dependencies.
if [ ! -d "$repo_root/node_modules/@stoplight/prism-cli" ]; then
  bash "$repo_root/scripts/ensure-deps.sh"
fi

# The venv is rebuilt when the requirements change (a stamp records what it was built from).
stamp=.venv/.requirements-stamp
if [ ! -x .venv/bin/python ] || ! cmp -s requirements-dev.txt "$stamp"; then
  echo "==> creating .venv and installing requirements-dev.txt"
  rm -rf .venv
  "$python" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
  cp requirements-dev.txt "$stamp"
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .

# The behaviour scenarios (tests/test_behaviour.py) run the local server, packages/server/dist/cli.js,
# which loads the spec with the generator's loader (as does tests/behaviour_scenarios.mjs). Each is
# built when it is missing, the server also when any of its sources is newer than its build (its
# build type-checks against the TS SDK's, so that is built first).
if [ ! -f "$repo_root/generator/dist/load/index.js" ]; then
  echo "==> building the generator (its YAML and spec loader)"
  (cd "$repo_root" && npx --no-install tsc -b generator)
fi
server=$repo_root/packages/server
if [ ! -f "$server/dist/cli.js" ] || [ -n "$(find "$server/src" "$server/scripts" "$server/package.json" \
  "$server"/tsconfig*.json -newer "$server/dist/cli.js" -print -quit)" ]; then
  echo "==> building the local server (packages/server) for the behaviour scenarios"
  (cd "$repo_root" && npm run build -w tensor-box && npm run build -w @tensor-box/server)
fi

# (The drift check of the generated code runs once for the whole repository, in scripts/test.sh
# at its root, before turbo starts this.)
echo "==> pytest"
exec .venv/bin/python -m pytest "$@"
