"""The package as tools and users see it: lint, format, types (3.9 and current), and the built
sdist and wheel installed into fresh virtual environments."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path = PACKAGE, timeout: float = 600) -> str:
    done = subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_ruff_check() -> None:
    run(sys.executable, "-m", "ruff", "check", ".")


def test_ruff_format() -> None:
    run(sys.executable, "-m", "ruff", "format", "--check", ".")


@pytest.mark.parametrize("version", [None, "3.9"])
def test_mypy_strict(version: str | None) -> None:
    # pyproject.toml sets strict and the files: the whole package and tests/typing_surface.py.
    run(sys.executable, "-m", "mypy", *(["--python-version", version] if version else []))


def python39() -> str:
    """A Python 3.9 interpreter: TENSOR_BOX_PYTHON39, python3.9 on PATH, or pyenv's."""
    candidates = [os.environ.get("TENSOR_BOX_PYTHON39"), shutil.which("python3.9")]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.9*/bin/python3.9")))
    for candidate in candidates:
        if candidate and subprocess.run([candidate, "--version"], capture_output=True).returncode == 0:
            return candidate
    pytest.fail("no Python 3.9 found (set TENSOR_BOX_PYTHON39): the package's oldest supported version is untested")


SMOKE = """
import sys, tensor_box
from tensor_box import AsyncSandbox, LifecycleConfig, Sandbox
assert tensor_box.__version__ == sys.argv[1], tensor_box.__version__
domain = sys.argv[2]
sandbox = Sandbox.create("default", domain=domain, api_key="k", timeout_ms=60_000,
                         lifecycle=LifecycleConfig(on_timeout="pause", auto_resume=True))
info = sandbox.get_info()
assert info.started_at.tzinfo is not None and info.memory_mb == 2048, info
assert Sandbox.is_running("sbx_abc123", domain=domain, api_key="k") is True
import asyncio
async def main():
    other = await AsyncSandbox.connect("sbx_abc123", domain=domain, api_key="k")
    assert (await other.get_info()).sandbox_id == "sbx_abc123"
asyncio.run(main())
import httpx
print("ok", sys.version_info[:2], httpx.__version__)
"""


def test_build_install_and_import(tmp_path: Path, server: object) -> None:
    import json

    version = json.loads((PACKAGE / "package.json").read_text())["version"]
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "build", "--outdir", str(dist), str(PACKAGE))
    wheels = list(dist.glob("tensor_box-*.whl"))
    sdists = list(dist.glob("tensor_box-*.tar.gz"))
    assert len(wheels) == 1
    assert len(sdists) == 1
    with zipfile.ZipFile(wheels[0]) as wheel:
        names = set(wheel.namelist())
    assert "tensor_box/py.typed" in names
    assert "tensor_box/_generated/sandbox.py" in names
    assert "tensor_box/_core/transport.py" in names
    assert not any(n.startswith("tests/") for n in names)

    domain = server.url  # type: ignore[attr-defined]
    # The oldest supported Python gets the oldest httpx pyproject.toml allows, so both ends of the
    # declared ranges are exercised.
    for name, artifact, python, pins in [
        ("wheel", wheels[0], sys.executable, []),
        ("sdist", sdists[0], sys.executable, []),
        ("wheel-3.9-httpx-0.23", wheels[0], python39(), ["httpx==0.23.0"]),
    ]:
        env_dir = tmp_path / name
        if python == sys.executable:
            venv.create(env_dir, with_pip=True)
        else:
            run(python, "-m", "venv", str(env_dir))
        bin_python = str(env_dir / "bin" / "python")
        run(bin_python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(artifact), *pins)
        out = run(bin_python, "-c", SMOKE, version, domain, cwd=tmp_path)
        assert out.startswith("ok"), out
        for pin in pins:
            assert out.split()[-1] == pin.split("==")[1], out
