"""Bad input: an InvalidArgumentError before any request, naming the argument, the value and what is allowed."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from conftest import API_KEY, Api
from fake_server import RUNNING, FakeServer, Reply
from tensor_box import InvalidArgumentError, LifecycleConfig, Sandbox


class Index:
    """An integer type that is not int (numpy's are like this)."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value


@pytest.mark.parametrize(
    ("call", "argument", "message"),
    [
        (
            lambda c: c.create(timeout_ms=-5),
            "timeout_ms",
            "Sandbox.create: timeout_ms must be an integer from 1000 to 86400000 ms (got -5)",
        ),
        (
            lambda c: c.create(timeout_ms=1500.5),
            "timeout_ms",
            "Sandbox.create: timeout_ms must be an integer from 1000 to 86400000 ms (got 1500.5)",
        ),
        (
            lambda c: c.create(timeout_ms=True),
            "timeout_ms",
            "Sandbox.create: timeout_ms must be an integer from 1000 to 86400000 ms (got True)",
        ),
        (
            lambda c: c.create(timeout_ms="60000"),
            "timeout_ms",
            "Sandbox.create: timeout_ms must be an integer from 1000 to 86400000 ms (got '60000')",
        ),
        (lambda c: c.create(""), "template", "Sandbox.create: template must be a non-empty string (got '')"),
        (lambda c: c.create(None), "template", "Sandbox.create: template is required"),
        (
            lambda c: c.create("x" * 200),
            "template",
            "Sandbox.create: template must be at most 128 characters (got '" + "x" * 57 + "...')",
        ),
        (
            lambda c: c.create(metadata={"userId": 123}),
            "metadata['userId']",
            "Sandbox.create: metadata['userId'] must be a string (got 123)",
        ),
        (
            lambda c: c.create(metadata=[("a", "b")]),
            "metadata",
            "Sandbox.create: metadata must be a mapping with string keys (got a list)",
        ),
        (
            lambda c: c.create(metadata={1: "b"}),
            "metadata key",
            "Sandbox.create: metadata key must be a string (got 1)",
        ),
        (
            lambda c: c.create(envs={"API_TOKEN": 12345}),
            "envs['API_TOKEN']",
            "Sandbox.create: envs['API_TOKEN'] must be a string (got an int)",
        ),
        (
            lambda c: c.create(lifecycle={"on_timeout": "pause"}),
            "lifecycle",
            "Sandbox.create: lifecycle must be a LifecycleConfig (got a dict)",
        ),
        (
            lambda c: c.create(lifecycle=LifecycleConfig(on_timeout="explode")),  # type: ignore[arg-type]
            "lifecycle.on_timeout",
            "Sandbox.create: lifecycle.on_timeout must be one of 'kill', 'pause' (got 'explode')",
        ),
        (
            lambda c: c.create(lifecycle=LifecycleConfig(auto_resume=True)),
            "lifecycle.on_timeout",
            "Sandbox.create: lifecycle: auto_resume only applies when on_timeout is 'pause' "
            "(got auto_resume=True, on_timeout=None)",
        ),
        (
            lambda c: c.create(lifecycle=LifecycleConfig(on_timeout="kill", auto_resume=True)),
            "lifecycle.on_timeout",
            "Sandbox.create: lifecycle: auto_resume only applies when on_timeout is 'pause' "
            "(got auto_resume=True, on_timeout='kill')",
        ),
        (
            lambda c: c.create(lifecycle=LifecycleConfig(on_timeout="pause", auto_resume="yes")),  # type: ignore[arg-type]
            "lifecycle.auto_resume",
            "Sandbox.create: lifecycle.auto_resume must be True or False (got 'yes')",
        ),
        (lambda c: c.kill(""), "sandbox_id", "Sandbox.kill: sandbox_id must be a non-empty string (got '')"),
        (lambda c: c.kill(42), "sandbox_id", "Sandbox.kill: sandbox_id must be a string (got 42)"),
        (lambda c: c.set_timeout("sbx", None), "timeout_ms", "Sandbox.set_timeout: timeout_ms is required"),
        (
            lambda c: c.list(state="paused"),
            "state",
            "Sandbox.list: state must be a list (got 'paused')",
        ),
        (
            lambda c: c.list(state=["running", "hibernating"]),
            "state[1]",
            "Sandbox.list: state[1] must be one of 'running', 'paused', 'closed' (got 'hibernating')",
        ),
        (
            lambda c: c.get_logs("sbx", since=datetime(2026, 1, 1)),
            "since",
            "Sandbox.get_logs: since must be a timezone-aware datetime (got the naive datetime 2026-01-01T00:00:00; "
            "use datetime.now(timezone.utc) or .replace(tzinfo=...))",
        ),
        (
            lambda c: c.get_metrics("sbx", since="2026-01-01T00:00:00Z"),
            "since",
            "Sandbox.get_metrics: since must be a timezone-aware datetime (got '2026-01-01T00:00:00Z')",
        ),
        (
            lambda c: c.create(timeoutMs=60_000),
            "timeoutMs",
            "Sandbox.create: unknown option 'timeoutMs'; did you mean 'timeout_ms'? (known: idempotency_key, template, "
            "timeout_ms, envs, metadata, lifecycle, domain, api_key, request_timeout_ms, max_retries, headers, debug, "
            "http_client, total_timeout_ms)",
        ),
        (
            lambda c: c.kill("sbx", max_retry=1),
            "max_retry",
            "Sandbox.kill: unknown option 'max_retry'; did you mean 'max_retries'? (known: domain, api_key, "
            "request_timeout_ms, max_retries, headers, debug, http_client, total_timeout_ms)",
        ),
        (
            lambda c: c.kill("sbx", max_retries=11),
            "max_retries",
            "Sandbox.kill: max_retries must be an integer from 0 to 10 (got 11)",
        ),
        (
            lambda c: c.kill("sbx", request_timeout_ms=0),
            "request_timeout_ms",
            "Sandbox.kill: request_timeout_ms must be an integer from 1 to 3600000 ms (got 0)",
        ),
        (
            lambda c: c.kill("sbx", total_timeout_ms=-1),
            "total_timeout_ms",
            "Sandbox.kill: total_timeout_ms must be an integer from 1 to 2147483647 ms (got -1)",
        ),
        (lambda c: c.kill("sbx", debug="yes"), "debug", "Sandbox.kill: debug must be True or False (got 'yes')"),
        (
            lambda c: c.kill("sbx", headers={"X-Token": 5}),
            "headers['X-Token']",
            "Sandbox.kill: headers['X-Token'] must be a string (got an int)",
        ),
        (
            lambda c: c.kill("sbx", domain="ftp://x.y"),
            "domain",
            "Sandbox.kill: domain must be an http or https URL (got 'ftp://x.y')",
        ),
        (
            lambda c: c.kill("sbx", domain="https://"),
            "domain",
            "Sandbox.kill: domain must be a URL such as https://app.tos.run (got 'https://')",
        ),
        (
            lambda c: c.kill("sbx", domain="host:port"),
            "domain",
            "Sandbox.kill: domain must be a URL such as https://app.tos.run (got 'host:port')",
        ),
    ],
)
def test_bad_arguments(
    server: FakeServer, call: Any, argument: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TENSOR_BOX_API_KEY", API_KEY)
    monkeypatch.setenv("TENSOR_BOX_DOMAIN", server.url)
    with pytest.raises(InvalidArgumentError) as caught:
        call(Sandbox)
    assert caught.value.argument == argument
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, TypeError)
    assert server.requests == []


def test_async_messages_name_the_async_class(api: Api) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        api.call("keep_alive", "sbx", 0, api_key=API_KEY)
    assert (
        str(caught.value)
        == f"{api.cls.__name__}.keep_alive: duration_ms must be an integer from 1000 to 86400000 ms (got 0)"
    )


def test_no_api_key(api: Api) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        api.call("get_info", "sbx_abc123")
    assert caught.value.argument == "api_key"
    assert str(caught.value) == f"{api.cls.__name__}.get_info: no API key; pass api_key=... or set TENSOR_BOX_API_KEY"


def test_accepted_values(server: FakeServer, conn: dict[str, Any]) -> None:
    server.script(Reply(201, RUNNING))
    Sandbox.create(
        "default",
        timeout_ms=Index(60_000),
        metadata={"k": "v"},
        lifecycle=LifecycleConfig(on_timeout="pause", auto_resume=True),
        **conn,
    )
    assert server.requests[0].json() == {
        "templateId": "default",
        "timeoutMs": 60000,
        "metadata": {"k": "v"},
        "lifecycle": {"onTimeout": "pause", "autoResume": True},
    }
    server.script(Reply(200, []))
    since = datetime(2026, 11, 29, 12, 30, 0, 123999, tzinfo=timezone(timedelta(hours=2)))
    Sandbox.get_logs("sbx", since=since, limit=Index(5), **conn)
    assert server.requests[1].query == "since=2026-11-29T10%3A30%3A00.123Z&limit=5"
    server.script(Reply(200, {"sandboxes": []}))
    Sandbox.list(state=("paused",), **conn)
    assert server.requests[2].query == "state=paused"
    Sandbox.list(state=[], metadata={}, **conn)  # empty filters send nothing
    assert server.requests[3].query == ""


def test_resolution_order(server: FakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    other = FakeServer()
    try:
        monkeypatch.setenv("TENSOR_BOX_DOMAIN", other.url)
        monkeypatch.setenv("TENSOR_BOX_API_KEY", "from-env")
        Sandbox.kill("sbx")
        assert other.requests[0].headers["x-api-key"] == "from-env"
        Sandbox.kill("sbx", domain=server.url + "/", api_key=API_KEY)  # explicit wins; a trailing slash is fine
        assert server.requests[0].path == "/sandboxes/sbx"
        assert server.requests[0].headers["x-api-key"] == API_KEY
    finally:
        other.stop()


def test_default_domain_and_bare_host() -> None:
    import httpx

    urls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        return httpx.Response(204)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        Sandbox.kill("sbx", api_key=API_KEY, http_client=client)
        Sandbox.kill("sbx", api_key=API_KEY, http_client=client, domain="api.example:8443")
    assert urls == ["https://app.tos.run/sandboxes/sbx", "https://api.example:8443/sandboxes/sbx"]
