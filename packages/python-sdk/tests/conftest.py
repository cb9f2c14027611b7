from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Iterator
from typing import Any

import pytest

import tensor_box
from fake_server import FakeServer
from harness import harness, stop_harness
from tensor_box import AsyncSandbox, Sandbox
from tensor_box._core import transport

API_KEY = "tb_test_key_never_shown_0123456789"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Conformance cases come from the harness (it serves the scenario files as JSON), so it is
    # started while tests are collected, and only when a conformance test is selected.
    if "case" in metafunc.fixturenames:
        cases = [case for scenario in harness().scenarios() for case in scenario["cases"]]
        metafunc.parametrize("case", cases, ids=[f"{c['tag']} {c['name']}" for c in cases])


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    stop_harness()


class Api:
    """Runs a test body against ``Sandbox`` or ``AsyncSandbox``: ``run`` awaits what needs awaiting."""

    def __init__(self, flavour: str) -> None:
        self.flavour = flavour
        self.is_async = flavour == "async"
        self.cls: Any = AsyncSandbox if self.is_async else Sandbox

    def run(self, value: Any) -> Any:
        if inspect.isawaitable(value):
            return asyncio.run(_awaited(value))
        return value

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return self.run(getattr(self.cls, name)(*args, **kwargs))

    def collect(self, iterable: Any, limit: int | None = None) -> list[Any]:
        if not self.is_async:
            out = []
            for item in iterable:
                out.append(item)
                if limit is not None and len(out) >= limit:
                    break
            return out

        async def gather() -> list[Any]:
            out = []
            async for item in iterable:
                out.append(item)
                if limit is not None and len(out) >= limit:
                    break
            return out

        return asyncio.run(gather())


async def _awaited(value: Any) -> Any:
    return await value


@pytest.fixture(params=["sync", "async"])
def api(request: pytest.FixtureRequest) -> Api:
    return Api(request.param)


@pytest.fixture
def server() -> Iterator[FakeServer]:
    fake = FakeServer()
    yield fake
    fake.stop()


@pytest.fixture
def conn(server: FakeServer) -> dict[str, Any]:
    """Options that reach the fake server."""
    return {"domain": server.url, "api_key": API_KEY}


@pytest.fixture(autouse=True)
def hermetic(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test sees the developer's TENSOR_BOX_* variables, and debug logging is reset after each."""
    for name in ("TENSOR_BOX_DOMAIN", "TENSOR_BOX_API_KEY", "TENSOR_BOX_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    yield
    logger = logging.getLogger("tensor_box")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    logger.setLevel(logging.NOTSET)
    transport._handler_added = False
    transport._level_set = False


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Back-off waits of 1 ms instead of seconds; records the attempt numbers it was asked for."""
    asked: list[int] = []

    def delay(attempt: int, rand: Any = None) -> int:
        asked.append(attempt)
        return 1

    monkeypatch.setattr(transport, "retry_delay_ms", delay)
    return asked


__all__ = ["API_KEY", "Api", "tensor_box"]
