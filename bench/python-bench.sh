#!/usr/bin/env bash
# The Python SDK's benchmarks, from nothing: a venv under bench/.work/ with PyPI's e2b (the
# import-time peer) and this repository's SDK, then both measurements, ratios in one run.
#   bash bench/python-bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=bench/.work/python
python=${PYTHON:-python3}
e2b_version=2.63.0
if [ ! -x "$work/venv/bin/python" ] || [ "$(cat "$work/stamp" 2>/dev/null)" != "$e2b_version" ]; then
  echo "==> creating $work/venv with e2b==$e2b_version"
  rm -rf "$work"
  mkdir -p "$work"
  "$python" -m venv "$work/venv"
  "$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check "e2b==$e2b_version" "httpx==0.28.1"
  echo "$e2b_version" > "$work/stamp"
fi
# The SDK as users install it (not editable), rebuilt from the working tree every run.
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps packages/python-sdk

echo "==> import time (bench/python-import.py)"
status=0
"$work/venv/bin/python" bench/python-import.py "$work/venv/bin/python" || status=1
echo "==> loopback throughput (bench/python-throughput.py)"
"$work/venv/bin/python" bench/python-throughput.py || status=1
exit $status
