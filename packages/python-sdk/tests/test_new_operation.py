"""Adding an operation to the spec adds its Python methods with no other edit: generate from the
shared fixture spec with one more operation (test/fixtures/snapshot), put the handwritten runtime
beside the output, then call both forms of the new method, blocking and async, and type-check a
program using it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from fake_server import FakeServer, Reply
from harness import REPO_ROOT

PACKAGE = Path(__file__).resolve().parents[1]

USE = """
import asyncio, sys
from datetime import datetime
from tensor_box import AsyncCallOptions, AsyncSandbox, CallOptions, InvalidArgumentError, InternalServerError
from tensor_box import Sandbox, Snapshot

domain = sys.argv[1]
options: CallOptions = {"domain": domain, "api_key": "k"}
async_options: AsyncCallOptions = {"domain": domain, "api_key": "k"}
by_id: Snapshot = Sandbox.snapshot("sbx_1", "nightly", **options)
sandbox = Sandbox.connect("sbx_1", **options)
bound: Snapshot = sandbox.snapshot("weekly", keep_memory=True)
assert isinstance(by_id.created_at, datetime) and bound.snapshot_id == "snap_1", (by_id, bound)
try:
    Sandbox.snapshot("sbx_1", "", **options)
    raise SystemExit("an empty name was accepted")
except InvalidArgumentError as error:
    assert str(error) == "Sandbox.snapshot: name must be a non-empty string (got '')", error
try:
    sandbox.snapshot("failing")
    raise SystemExit("the 500 was not raised")
except InternalServerError:
    pass


async def main() -> None:
    other = await AsyncSandbox.connect("sbx_1", **async_options)
    snap: Snapshot = await other.snapshot("async")
    assert snap.snapshot_id == "snap_1"
    assert (await AsyncSandbox.snapshot("sbx_1", "async-by-id", **async_options)).snapshot_id == "snap_1"


asyncio.run(main())
print("ok")
"""


def test_a_new_operation_needs_no_other_edit(tmp_path: Path) -> None:
    splice = REPO_ROOT / "test" / "fixtures" / "snapshot" / "splice.mjs"
    variant = subprocess.run(["node", str(splice)], capture_output=True, text=True, check=True).stdout
    (tmp_path / "openapi.yaml").write_text(variant)
    out = tmp_path / "out"
    cli = REPO_ROOT / "generator" / "dist" / "cli.js"
    if not cli.exists():
        subprocess.run(["npx", "--no-install", "tsc", "-b", "generator"], cwd=REPO_ROOT, check=True)
    done = subprocess.run(
        ["node", str(cli), "--spec", str(tmp_path / "openapi.yaml"), "--out", str(out), "--target", "python"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    source = out / "packages" / "python-sdk" / "src"
    generated = (source / "tensor_box" / "_generated" / "sandbox.py").read_text()
    assert "snapshot = DualMethod(_snapshot_by_id, _snapshot)" in generated
    bound = (
        "def _snapshot(\n    self: Sandbox,\n    name: str,\n    *,\n    keep_memory: bool | None = None,\n"
        "    **options: Unpack[RequestOptions],\n) -> Snapshot:"
    )
    assert bound in generated
    # The handwritten runtime is not generated: it comes as it is.
    shutil.copytree(PACKAGE / "src" / "tensor_box" / "_core", source / "tensor_box" / "_core")
    shutil.copy(PACKAGE / "src" / "tensor_box" / "py.typed", source / "tensor_box" / "py.typed")

    server = FakeServer()
    try:
        snapshot = {
            "snapshotId": "snap_1",
            "sandboxId": "sbx_1",
            "name": "nightly",
            "createdAt": "2026-11-29T10:00:00Z",
        }
        sandbox = {"sandboxId": "sbx_1"}
        server.script(
            Reply(201, snapshot),
            Reply(200, sandbox),
            Reply(201, snapshot),
            Reply(500, {"code": "internal_error", "message": "boom"}),
            Reply(200, sandbox),
            Reply(201, snapshot),
        )
        program = tmp_path / "use.py"
        program.write_text(USE)
        env = {"PYTHONPATH": str(source), "PATH": "/usr/bin:/bin"}
        ran = subprocess.run([sys.executable, str(program), server.url], capture_output=True, text=True, env=env)
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout.strip() == "ok"
        posts = [r for r in server.requests if r.path.endswith("/snapshots")]
        assert [r.json() for r in posts] == [
            {"name": "nightly"},
            {"name": "weekly", "keepMemory": True},
            {"name": "failing"},
            {"name": "async"},
            {"name": "async-by-id"},
        ]
        # retrySafe: false, so the 500 was not retried.
        assert len(server.requests) == 7
    finally:
        server.stop()

    typed = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(program)],
        capture_output=True,
        text=True,
        env={"MYPYPATH": str(source), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
    )
    assert typed.returncode == 0, typed.stdout
