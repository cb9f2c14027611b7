"""The package's public surface: exports, both forms of each method, import cost, version."""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

import tensor_box
from tensor_box import AsyncSandbox, Sandbox

PACKAGE = Path(__file__).resolve().parents[1]


def test_core_exports_are_reexported() -> None:
    for module in ("config", "errors", "pagination"):
        core = importlib.import_module(f"tensor_box._core.{module}")
        for name in core.__all__:
            assert getattr(tensor_box, name) is getattr(core, name)
            assert name in tensor_box.__all__
    for name in tensor_box.__all__:
        assert hasattr(tensor_box, name), name


def test_version_comes_from_package_json() -> None:
    version = json.loads((PACKAGE / "package.json").read_text())["version"]
    assert tensor_box.__version__ == version


def test_import_does_not_load_httpx() -> None:
    heavy = "('httpx', 'httpcore', 'anyio', 'logging')"
    code = f"import sys, tensor_box; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("cls", [Sandbox, AsyncSandbox])
def test_both_forms(cls: type) -> None:
    by_id = cls.kill  # type: ignore[attr-defined]
    assert by_id.__name__ == "kill"
    assert by_id.__qualname__ == f"{cls.__name__}.kill"
    assert list(inspect.signature(by_id).parameters) == ["sandbox_id", "options"]
    assert "Kill a sandbox." in (by_id.__doc__ or "")
    instance = cls("sbx_1", _Conn())  # private constructor: only to inspect the bound form
    bound = instance.kill
    assert bound.__self__ is instance
    assert list(inspect.signature(bound).parameters) == ["options"]
    assert list(inspect.signature(instance.resume).parameters) == ["timeout_ms", "options"]
    assert repr(instance) == f"{cls.__name__}(sandbox_id='sbx_1')"
    assert instance.sandbox_id == "sbx_1"
    with pytest.raises(AttributeError):
        instance.sandbox_id = "other"


def test_async_methods_are_coroutines() -> None:
    for name in ("create", "connect", "list", "get_info", "kill", "is_running", "get_logs"):
        assert inspect.iscoroutinefunction(getattr(AsyncSandbox, name)), name
        assert not inspect.iscoroutinefunction(getattr(Sandbox, name)), name
    assert not inspect.iscoroutinefunction(AsyncSandbox.list_iter)
    assert inspect.iscoroutinefunction(AsyncSandbox("x", _Conn()).disconnect)


class _Conn:
    reconnect_hint = ""
    disconnected = False
