"""Retries, timeouts, errors and headers, against an in-process fake server, for both flavours."""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import time
import uuid
from typing import Any

import httpx
import pytest

import tensor_box
from conftest import API_KEY, Api
from fake_server import RUNNING, FakeServer, Reply, closed_port
from tensor_box import (
    APIConnectionError,
    APIConnectionTimeoutError,
    APIError,
    APIUserAbortError,
    InternalServerError,
    InvalidArgumentError,
    NotFoundError,
    RateLimitError,
)
from tensor_box._core import transport

FAST = {"Retry-After-Ms": "1"}


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried(api: Api, server: FakeServer, conn: dict[str, Any], status: int) -> None:
    server.script(Reply(status, {"code": "x", "message": "try again"}, headers=FAST), Reply(200, RUNNING))
    info = api.call("get_info", "sbx_abc123", **conn)
    assert info.sandbox_id == "sbx_abc123"
    assert [r.headers["x-tensor-box-retry-count"] for r in server.requests] == ["0", "1"]


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, tensor_box.BadRequestError),
        (401, tensor_box.AuthenticationError),
        (403, tensor_box.PermissionDeniedError),
        (404, tensor_box.NotFoundError),
        (409, tensor_box.ConflictError),
        (422, tensor_box.UnprocessableEntityError),
        (418, APIError),
    ],
)
def test_other_4xx_are_never_retried(
    api: Api, server: FakeServer, conn: dict[str, Any], status: int, cls: type
) -> None:
    server.script(Reply(status, {"code": "c", "message": "no", "requestId": "req_1"}, headers=FAST))
    with pytest.raises(cls) as caught:
        api.call("kill", "sbx_abc123", **conn)
    assert type(caught.value) is cls
    assert len(server.requests) == 1
    assert caught.value.status == status
    assert caught.value.code == "c"
    assert caught.value.request_id == "req_1"


def test_retries_stop_after_max_retries(api: Api, server: FakeServer, conn: dict[str, Any], waits: list[int]) -> None:
    server.script(Reply(503, {"code": "unavailable", "message": "busy"}))
    with pytest.raises(InternalServerError, match=r"→ 503 Service Unavailable: busy"):
        api.call("get_info", "sbx_abc123", **conn)
    assert len(server.requests) == 3  # the default: 2 retries
    assert waits == [0, 1]  # back-off asked for attempts 0 and 1

    server.requests.clear()
    with pytest.raises(InternalServerError):
        api.call("get_info", "sbx_abc123", **conn, max_retries=5)
    assert len(server.requests) == 6

    server.requests.clear()
    with pytest.raises(InternalServerError):
        api.call("get_info", "sbx_abc123", **conn, max_retries=0)
    assert len(server.requests) == 1


def test_backoff_formula() -> None:
    never = [transport.retry_delay_ms(a, rand=lambda: 0.0) for a in range(6)]
    assert never == [500, 1000, 2000, 4000, 8000, 8000]
    most = [transport.retry_delay_ms(a, rand=lambda: 1.0) for a in range(6)]
    assert most == [375, 750, 1500, 3000, 6000, 6000]


def test_backoff_is_slept(api: Api, server: FakeServer, conn: dict[str, Any]) -> None:
    server.script(Reply(503), Reply(200, RUNNING))
    started = time.monotonic()
    api.call("get_info", "sbx_abc123", **conn)
    # The first back-off is 0.5 s minus up to 25 % jitter.
    assert server.requests[1].at - server.requests[0].at >= 0.37
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    ("headers", "at_least"),
    [({"Retry-After-Ms": "150"}, 0.15), ({"Retry-After": "0.2"}, 0.2), ({"Retry-After": "0"}, 0.0)],
)
def test_retry_after_is_honoured(
    api: Api, server: FakeServer, conn: dict[str, Any], headers: dict[str, str], at_least: float
) -> None:
    server.script(Reply(429, {"code": "rate_limited", "message": "slow down"}, headers=headers), Reply(200, RUNNING))
    api.call("get_info", "sbx_abc123", **conn)
    gap = server.requests[1].at - server.requests[0].at
    assert at_least <= gap < at_least + 0.6


def test_retry_after_above_60s_raises_at_once(api: Api, server: FakeServer, conn: dict[str, Any]) -> None:
    server.script(Reply(429, {"code": "rate_limited", "message": "slow down"}, headers={"Retry-After": "120"}))
    started = time.monotonic()
    with pytest.raises(RateLimitError) as caught:
        api.call("get_info", "sbx_abc123", **conn)
    assert time.monotonic() - started < 1
    assert len(server.requests) == 1
    assert caught.value.retry_after == 120
    assert caught.value.retry_after_ms == 120_000


def test_retry_after_http_date() -> None:
    now = 1_800_000_000.0
    date = "Fri, 15 Jan 2027 08:00:05 GMT"  # now + 5 s
    assert transport.server_retry_after_ms(httpx.Headers({"Retry-After": date}), now=lambda: now) == 5000
    assert (
        transport.server_retry_after_ms(
            httpx.Headers({"Retry-After": "Fri, 15 Jan 2027 07:00:00 GMT"}), now=lambda: now
        )
        == 0
    )
    assert transport.server_retry_after_ms(httpx.Headers({"Retry-After": "soon"})) is None
    assert transport.server_retry_after_ms(httpx.Headers({"Retry-After-Ms": "12.6", "Retry-After": "9"})) == 13
    assert transport.server_retry_after_ms(httpx.Headers({})) is None


def test_create_sends_one_idempotency_key_on_every_attempt(api: Api, server: FakeServer, conn: dict[str, Any]) -> None:
    server.script(Reply(503, headers=FAST), Reply(500, headers=FAST), Reply(201, RUNNING))
    api.call("create", **conn)
    keys = [r.headers["idempotency-key"] for r in server.requests]
    assert len(keys) == 3
    assert len(set(keys)) == 1
    assert uuid.UUID(keys[0]).version == 4

    server.requests.clear()
    sandbox = api.call("create", **conn)
    assert server.requests[0].headers["idempotency-key"] != keys[0]  # a new call, a new key
    api.run(sandbox.get_info())
    assert "idempotency-key" not in server.requests[1].headers  # the instance's later calls carry none

    server.requests.clear()
    api.call("create", idempotency_key="mine-1", **conn)
    assert server.requests[0].headers["idempotency-key"] == "mine-1"

    server.requests.clear()
    api.call("create", **conn, headers={"idempotency-key": "from-headers"})
    assert server.requests[0].headers["idempotency-key"] == "from-headers"  # once, under one spelling


def test_attempt_timeout(api: Api, server: FakeServer, conn: dict[str, Any], waits: list[int]) -> None:
    server.script(Reply(200, RUNNING, delay=1.0))
    started = time.monotonic()
    with pytest.raises(APIConnectionTimeoutError, match=r"^GET /sandboxes/sbx_abc123: no response within 100 ms$"):
        api.call("get_info", "sbx_abc123", **conn, request_timeout_ms=100, max_retries=1)
    assert len(server.requests) == 2  # a timed-out attempt is retried
    assert time.monotonic() - started < 0.9
    assert isinstance(APIConnectionTimeoutError("x"), APIConnectionError)


def test_total_timeout_covers_every_retry(api: Api, server: FakeServer, conn: dict[str, Any]) -> None:
    server.script(Reply(503, headers={"Retry-After-Ms": "150"}), Reply(200, RUNNING, delay=1.0))
    started = time.monotonic()
    with pytest.raises(APIConnectionTimeoutError, match=r"total_timeout_ms \(400 ms\)"):
        api.call("get_info", "sbx_abc123", **conn, total_timeout_ms=400)
    assert 0.35 < time.monotonic() - started < 0.8
    assert len(server.requests) == 2


def test_total_timeout_does_not_wait_past_itself(api: Api, server: FakeServer, conn: dict[str, Any]) -> None:
    server.script(Reply(503, {"code": "unavailable", "message": "busy"}, headers={"Retry-After": "30"}))
    started = time.monotonic()
    with pytest.raises(InternalServerError):  # the answer it had, not a made-up timeout
        api.call("get_info", "sbx_abc123", **conn, total_timeout_ms=1000)
    assert time.monotonic() - started < 0.5


def test_connection_refused(api: Api, waits: list[int], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="tensor_box")
    with pytest.raises(APIConnectionError, match=r"^GET /sandboxes/sbx_abc123: connection refused$") as caught:
        api.call("get_info", "sbx_abc123", domain=f"http://127.0.0.1:{closed_port()}", api_key=API_KEY)
    assert type(caught.value) is APIConnectionError
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert len([r for r in caplog.records if r.getMessage().startswith("→ GET")]) == 3  # retried


def test_connection_reset_is_retried(api: Api, server: FakeServer, conn: dict[str, Any], waits: list[int]) -> None:
    server.script(Reply(drop=True), Reply(200, RUNNING))
    assert api.call("get_info", "sbx_abc123", **conn).sandbox_id == "sbx_abc123"
    assert len(server.requests) == 2

    server.script(Reply(drop=True))
    with pytest.raises(APIConnectionError, match=r"^GET /sandboxes/sbx_abc123: connection reset by the server$"):
        api.call("get_info", "sbx_abc123", **conn, max_retries=0)


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(200, raw=b"<html>oops</html>"), r"the response is not valid JSON \(17 bytes\)"),
        (Reply(200, ["not", "an", "object"]), r"expected a JSON object in the response, got list"),
        (Reply(200, {"sandboxId": "x"}), r"the response does not match the API: the field 'templateId' is missing"),
        (Reply(200, {**RUNNING, "startedAt": "yesterday"}), r"does not match the API: not an RFC 3339 date-time"),
    ],
)
def test_malformed_success_body(api: Api, server: FakeServer, conn: dict[str, Any], reply: Reply, message: str) -> None:
    server.script(reply)
    with pytest.raises(APIConnectionError, match=message):
        api.call("get_info", "sbx_abc123", **conn)
    assert len(server.requests) == 1  # a malformed answer is not retried


def test_error_without_json_body(api: Api, server: FakeServer, conn: dict[str, Any]) -> None:
    server.script(
        Reply(502, raw=b"<html>Bad Gateway</html>", headers={"Content-Type": "text/html", "X-Request-Id": "req_h"})
    )
    with pytest.raises(InternalServerError) as caught:
        api.call("pause", "sbx/1", **conn, max_retries=0)
    assert str(caught.value) == "POST /sandboxes/sbx%2F1/pause → 502 Bad Gateway (request req_h)"
    assert caught.value.code is None
    assert caught.value.headers["content-type"] == "text/html"


def test_every_request_names_the_sdk(api: Api, server: FakeServer, conn: dict[str, Any]) -> None:
    sandbox = api.call("connect", "sbx_abc123", **conn, headers={"X-Team": "ml", "X-Api-Key": "forged"})
    api.run(sandbox.get_info(headers={"X-Call": "1", "x-team": "call", "x-api-key": "forged"}))
    version = tensor_box.__version__
    runtime = f"{sys.implementation.name}/{'.'.join(map(str, sys.version_info[:3]))}"
    for r in server.requests:
        assert r.headers["user-agent"] == f"tensor-box-python/{version}"
        assert r.headers["x-tensor-box-lang"] == "python"
        assert r.headers["x-tensor-box-version"] == version
        assert r.headers["x-tensor-box-runtime"] == runtime
        assert r.headers["x-tensor-box-retry-count"] == "0"
        assert r.headers["x-api-key"] == API_KEY  # never replaced by an extra header, never sent twice
        assert r.headers["accept"] == "application/json"
    assert server.requests[0].headers["x-team"] == "ml"
    assert server.requests[1].headers["x-team"] == "call"  # the call's header wins, once
    assert server.requests[1].headers["x-call"] == "1"
    assert re.fullmatch(r"\d+\.\d+\.\d+((a|b|rc)\d+)?", version)


def test_calls_share_one_pooled_connection(server: FakeServer, conn: dict[str, Any]) -> None:
    tensor_box.Sandbox.get_info("sbx_abc123", **conn)
    sandbox = tensor_box.Sandbox.connect("sbx_abc123", **conn)
    sandbox.pause()
    assert len({r.peer for r in server.requests}) == 1


def test_own_http_client(server: FakeServer) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=RUNNING)

    with httpx.Client(transport=httpx.MockTransport(handler), headers={"X-Proxy-Auth": "p"}) as client:
        sandbox = tensor_box.Sandbox.connect(
            "sbx_abc123", domain="https://api.example", api_key=API_KEY, http_client=client
        )
        assert sandbox.get_info().state == "running"
    assert [str(r.url) for r in seen] == [
        "https://api.example/sandboxes/sbx_abc123/connect",
        "https://api.example/sandboxes/sbx_abc123",
    ]
    assert seen[1].headers["x-proxy-auth"] == "p"  # the client's own headers are kept

    async def run() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as aclient:
            info = await tensor_box.AsyncSandbox.get_info(
                "sbx_abc123", domain="https://api.example", api_key=API_KEY, http_client=aclient
            )
            assert info.sandbox_id == "sbx_abc123"

    import asyncio

    asyncio.run(run())
    assert len(seen) == 3


def test_wrong_http_client_flavour(api: Api) -> None:
    other = httpx.Client() if api.is_async else httpx.AsyncClient()
    with pytest.raises(InvalidArgumentError, match=r"http_client must be an? httpx\.(Async)?Client \(got a"):
        api.call("kill", "sbx_abc123", api_key=API_KEY, http_client=other)


def test_unknown_results_pass_through(api: Api, server: FakeServer, conn: dict[str, Any]) -> None:
    newer = {
        **RUNNING,
        "state": "hibernating",
        "gpuCount": 1,
        "lifecycle": {"onTimeout": "snapshot", "autoResume": False},
    }
    server.script(Reply(200, newer))
    info = api.call("get_info", "sbx_abc123", **conn)
    assert info.state == "hibernating"
    assert info.lifecycle.on_timeout == "snapshot"
    assert not hasattr(info, "gpu_count")
    assert api.call("is_running", "sbx_abc123", **conn) is False


def test_is_running_raises_what_is_not_a_404(api: Api, server: FakeServer, conn: dict[str, Any]) -> None:
    server.script(Reply(404, {"code": "sandbox_not_found", "message": "gone"}))
    assert api.call("is_running", "sbx_abc123", **conn) is False
    server.script(Reply(403, {"code": "forbidden", "message": "no"}))
    with pytest.raises(tensor_box.PermissionDeniedError):
        api.call("is_running", "sbx_abc123", **conn)


def test_disconnect_stops_a_call_between_attempts(server: FakeServer, conn: dict[str, Any]) -> None:
    sandbox = tensor_box.Sandbox.connect("sbx_abc123", **conn)
    server.requests.clear()
    server.script(Reply(503, headers={"Retry-After-Ms": "400"}))
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            sandbox.get_info()
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=call)
    worker.start()
    time.sleep(0.15)
    sandbox.disconnect()
    worker.join(5)
    assert len(outcome) == 1
    assert isinstance(outcome[0], APIUserAbortError)
    assert len(server.requests) == 1
    with pytest.raises(APIUserAbortError, match=r"use Sandbox\.connect\('sbx_abc123'\) to connect again"):
        sandbox.kill()
    assert len(server.requests) == 1
    server.script(Reply(204))
    tensor_box.Sandbox.kill("sbx_abc123", **conn)  # the by-ID form still works: the sandbox is not gone
    assert len(server.requests) == 2


def test_async_disconnect(server: FakeServer, conn: dict[str, Any]) -> None:
    import asyncio

    async def run() -> None:
        sandbox = await tensor_box.AsyncSandbox.connect("sbx_abc123", **conn)
        await sandbox.disconnect()
        with pytest.raises(
            APIUserAbortError, match=r"AsyncSandbox\.get_info: this AsyncSandbox \(sbx_abc123\) was disconnected"
        ):
            await sandbox.get_info()

    asyncio.run(run())
    assert len(server.requests) == 1


def test_an_instance_keeps_its_connection(api: Api, server: FakeServer, conn: dict[str, Any]) -> None:
    sandbox = api.call("connect", "sbx_abc123", **conn)
    with pytest.raises(
        InvalidArgumentError, match=r"Sandbox\.kill: option 'domain' cannot be given to an instance's method"
    ) as caught:
        api.run(sandbox.kill(domain="https://elsewhere"))
    assert caught.value.argument == "domain"
    with pytest.raises(InvalidArgumentError, match=r"unknown option 'timeoutMs'; did you mean 'timeout_ms'\?"):
        api.run(sandbox.resume(timeoutMs=60_000))
    assert len(server.requests) == 1


def test_lazy_list_pages(api: Api, server: FakeServer, conn: dict[str, Any]) -> None:
    page = {"sandboxes": [RUNNING]}
    replies = (Reply(200, {**page, "nextCursor": "c 2/ü"}), Reply(200, {**page, "nextCursor": "c3"}), Reply(200, page))
    server.script(*replies)
    lazy = api.cls.list_iter(state=["running", "paused"], limit=1, **conn)
    assert server.requests == []  # nothing is fetched before iterating
    items = api.collect(lazy)
    assert len(items) == 3
    assert [r.query for r in server.requests] == [
        "state=running&state=paused&limit=1",
        "state=running&state=paused&limit=1&cursor=c%202%2F%C3%BC",
        "state=running&state=paused&limit=1&cursor=c3",
    ]
    server.requests.clear()
    server.script(*replies)  # each iteration starts again from the first page
    pages = api.collect(lazy.pages())
    assert [p.next_cursor for p in pages] == ["c 2/ü", "c3", None]
    assert all(len(p.items) == 1 for p in pages)
    server.script(*replies)
    assert len(api.call("list", **conn)) == 3


def test_lazy_list_checks_arguments_at_once(api: Api) -> None:
    with pytest.raises(
        InvalidArgumentError, match=r"Sandbox\.list_iter: limit must be an integer from 1 to 100 \(got 0\)"
    ):
        api.cls.list_iter(limit=0, api_key=API_KEY)


def test_repeated_cursor_stops(api: Api, server: FakeServer, conn: dict[str, Any]) -> None:
    server.script(Reply(200, {"sandboxes": [RUNNING], "nextCursor": "same"}))
    with pytest.raises(APIConnectionError, match=r"returned the page cursor 'same' twice"):
        api.call("list", **conn)
    assert len(server.requests) == 2


def test_optional_body_only_when_set(api: Api, server: FakeServer, conn: dict[str, Any]) -> None:
    api.call("resume", "sbx_abc123", **conn)
    api.call("resume", "sbx_abc123", 120_000, **conn)
    first, second = server.requests
    assert first.body is None
    assert "content-type" not in first.headers
    assert second.json() == {"timeoutMs": 120000}
    assert second.headers["content-type"] == "application/json"


def test_non_ascii_and_secret_values_in_body(server: FakeServer, conn: dict[str, Any]) -> None:
    server.script(Reply(201, RUNNING))
    tensor_box.Sandbox.create("tëmplate", envs={"TOKEN": "s3cr3t ü"}, metadata={"ü": "ö"}, **conn)
    body = server.requests[0].body
    assert body is not None
    assert json.loads(body) == {"templateId": "tëmplate", "envs": {"TOKEN": "s3cr3t ü"}, "metadata": {"ü": "ö"}}


def test_the_api_key_and_env_values_never_show(
    api: Api, server: FakeServer, conn: dict[str, Any], caplog: pytest.LogCaptureFixture, waits: list[int]
) -> None:
    caplog.set_level(logging.DEBUG, logger="tensor_box")
    texts: list[str] = []
    server.script(
        Reply(503, {"code": "unavailable", "message": "busy"}),
        Reply(401, {"code": "unauthorized", "message": "bad key"}),
    )
    for attempt in (
        lambda: api.call("create", envs={"TOKEN": "s3cr3t-env"}, **conn, debug=True),
        lambda: api.call("create", envs={"TOKEN": 12345}, **conn),
        lambda: api.call("get_info", "sbx_abc123", domain="ftp://x", api_key=API_KEY),
        lambda: api.call(
            "get_info", "sbx_abc123", domain=f"http://127.0.0.1:{closed_port()}", api_key=API_KEY, max_retries=0
        ),
        lambda: api.call("kill", "sbx_abc123", **conn, headers={"Authorization": 42}),
    ):
        with pytest.raises(tensor_box.TensorBoxError) as caught:
            attempt()
        texts += [str(caught.value), repr(caught.value), repr(caught.value.__cause__)]
    server.script(Reply(200, RUNNING))
    sandbox = api.call("connect", "sbx_abc123", **conn)
    texts += [repr(sandbox), repr(sandbox._connection), caplog.text]
    assert any("→ POST" in t for t in texts)  # debug lines were written
    for text in texts:
        assert API_KEY not in text
        assert "s3cr3t-env" not in text
        assert "12345" not in text
    assert "X-API-Key: ***" in caplog.text


def test_debug_from_environment(
    server: FakeServer, conn: dict[str, Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    tensor_box.Sandbox.get_info("sbx_abc123", **conn)
    assert caplog.records == []  # off by default
    monkeypatch.setenv("TENSOR_BOX_DEBUG", "1")
    tensor_box.Sandbox.get_info("sbx_abc123", **conn)
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0].startswith(f"→ GET {server.url}/sandboxes/sbx_abc123 (attempt 1) ")
    assert re.match(r"← 200 GET /sandboxes/sbx_abc123 in \d+ ms$", lines[1])
    caplog.clear()
    monkeypatch.setenv("TENSOR_BOX_DEBUG", "0")
    tensor_box.Sandbox.get_info("sbx_abc123", **conn)
    assert caplog.records == []


def test_debug_writes_to_stderr_when_logging_is_not_configured(server: FakeServer) -> None:
    import subprocess

    code = (
        "import tensor_box; "
        f"tensor_box.Sandbox.get_info('sbx_abc123', domain={server.url!r}, api_key={API_KEY!r}, debug=True)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True)
    assert "[tensor_box] → GET" in done.stderr
    assert API_KEY not in done.stderr
    assert done.stdout == ""


def test_errors_survive_pickling(api: Api, server: FakeServer, conn: dict[str, Any]) -> None:
    import pickle

    server.script(Reply(404, {"code": "sandbox_not_found", "message": "gone", "requestId": "r"}))
    with pytest.raises(NotFoundError) as caught:
        api.call("kill", "sbx_abc123", **conn)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is NotFoundError
    assert (str(copy), copy.status, copy.code, copy.request_id) == (str(caught.value), 404, "sandbox_not_found", "r")
    argument = pickle.loads(pickle.dumps(InvalidArgumentError("timeout_ms", "bad")))
    assert (argument.argument, str(argument)) == ("timeout_ms", "bad")
