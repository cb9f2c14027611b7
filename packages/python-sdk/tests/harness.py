"""The shared conformance harness (test/harness/serve.mjs): Prism behind a recording proxy.

Started once per test session, on first use, and stopped at the end of the session.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[3]
SERVE = REPO_ROOT / "test" / "harness" / "serve.mjs"


class Harness:
    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is not on PATH; the conformance harness needs it")
        if not (REPO_ROOT / "node_modules" / "@stoplight" / "prism-cli").is_dir():
            raise RuntimeError("Prism is not installed; run `bash scripts/ensure-deps.sh` at the repository root")
        self._process = subprocess.Popen(
            [node, str(SERVE)],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self._process.wait(timeout=10)
            raise RuntimeError(f"the harness exited ({self._process.returncode}) before printing its URL")
        self.url: str = json.loads(line)["url"]

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=30) as response:
            return json.loads(response.read())

    def scenarios(self) -> list[dict[str, Any]]:
        scenarios: list[dict[str, Any]] = self.get("/__harness/scenarios")
        return scenarios

    def requests(self, tag: str) -> list[dict[str, Any]]:
        recorded: list[dict[str, Any]] = self.get(f"/__harness/requests?tag={urllib.parse.quote(tag, safe='')}")
        return recorded

    def stop(self) -> None:
        # The harness stops when its stdin closes.
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


_harness: Harness | None = None


def harness() -> Harness:
    global _harness
    if _harness is None:
        _harness = Harness()
    return _harness


def stop_harness() -> None:
    global _harness
    if _harness is not None:
        _harness.stop()
        _harness = None
