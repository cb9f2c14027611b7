"""Sending a request with the retry, timeout and error policy of runtime-behaviour.md.

The policy is written once, as a generator (``_attempts``) that decides and does no I/O: it yields
what to send or how long to wait, and is told what came back. ``send`` and ``send_async`` drive it
with a blocking or an async httpx client, so the two flavours cannot drift apart.

This module is imported by the first request (it is the one that loads httpx).
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import random
import re
import socket
import sys
import threading
import time
import uuid
import weakref
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Callable, TypeVar, Union

import httpx

from .._generated._meta import API_KEY_HEADER
from .config import DEFAULT_REQUEST_TIMEOUT_MS, merge_headers
from .errors import (
    APIConnectionError,
    APIConnectionTimeoutError,
    APIError,
    APIUserAbortError,
    api_error_class,
)

if TYPE_CHECKING:
    from collections.abc import Generator, Mapping

    from .config import CallSettings, Connection
    from .operation import Operation, Request

T = TypeVar("T")

RETRY_COUNT_HEADER = "X-Tensor-Box-Retry-Count"
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
BASE_DELAY_MS = 500
MAX_DELAY_MS = 8_000
# A server asking for a longer wait gets the error at once, with the wait it asked for.
MAX_SERVER_WAIT_MS = 60_000

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def retry_delay_ms(attempt: int, rand: Callable[[], float] = random.random) -> int:
    """Back-off before retry number ``attempt + 1``: 0.5 s × 2^attempt, capped at 8 s, minus up to 25 % jitter."""
    ceiling = min(BASE_DELAY_MS * (1 << attempt), MAX_DELAY_MS)
    return round(ceiling * (1 - 0.25 * rand()))


def server_retry_after_ms(headers: Mapping[str, str], now: Callable[[], float] = time.time) -> int | None:
    """The wait a server asked for, in milliseconds: ``Retry-After-Ms``, else ``Retry-After`` as seconds
    or as an HTTP date. ``None`` when it asked for nothing readable."""
    ms = headers.get("retry-after-ms")
    if ms is not None and _NUMBER.fullmatch(ms.strip()):
        return round(float(ms))
    value = headers.get("retry-after")
    if value is None:
        return None
    if _NUMBER.fullmatch(value.strip()):
        return round(float(value) * 1000)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0, round((when.timestamp() - now()) * 1000))


_timeouts: dict[float, httpx.Timeout] = {}


def _timeout(seconds: float) -> httpx.Timeout:
    """The httpx.Timeout of an attempt; the usual values are made once, not on every request."""
    found = _timeouts.get(seconds)
    if found is None:
        found = httpx.Timeout(seconds)
        if len(_timeouts) < 32:
            _timeouts[seconds] = found
    return found


class _Send:
    """What the policy asks a driver to send (one object, updated for each attempt)."""

    __slots__ = ("content", "headers", "method", "timeout", "url")

    def __init__(self, method: str, url: str, headers: dict[str, str], content: bytes | None) -> None:
        self.method = method
        self.url = url
        self.headers = headers
        self.content = content
        self.timeout = _timeout(DEFAULT_REQUEST_TIMEOUT_MS / 1000)


if TYPE_CHECKING:
    # The policy yields a _Send (send it, then send back the response or the httpx error) or a float
    # (sleep that many seconds, then send back None); its return value is the decoded result.
    _Plan = Generator[Union[_Send, float], Union[httpx.Response, httpx.RequestError, None], T]


def _redactor(secrets: tuple[str, ...]) -> Callable[[str], str]:
    """Removes secrets from text bound for an error or a log line: a server or proxy that echoes
    the API key or an env value must not make the SDK print it. Values shorter than 4 characters
    are left alone (replacing every "a" would garble messages and hide nothing)."""
    targets = sorted((s for s in secrets if len(s) >= 4), key=len, reverse=True)

    def redact(text: str) -> str:
        for secret in targets:
            text = text.replace(secret, "***")
        return text

    return redact


def _attempts(op: Operation[T], request: Request, connection: Connection, settings: CallSettings) -> _Plan[T]:
    label = f"{op.method} {request.path}"
    redact = _redactor((connection.api_key, *request.secrets))
    headers = _headers(op, request, connection, settings)
    content = None
    if request.body is not None:
        content = json.dumps(request.body, separators=(",", ":"), ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json"
    send = _Send(op.method, connection.base_url + request.path + request.query_string(), headers, content)
    total_ms = settings.total_timeout_ms
    deadline = None if total_ms is None else time.monotonic() + total_ms / 1000
    log = _logger_for(connection)
    attempt = 0
    while True:
        if connection.disconnected:
            raise APIUserAbortError(f"{label}: {connection.reconnect_hint}")
        timeout = settings.request_timeout_ms / 1000
        cut_by_deadline = False
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise APIConnectionTimeoutError(f"{label}: the call's total_timeout_ms ({total_ms} ms) ran out")
            if remaining < timeout:
                timeout, cut_by_deadline = remaining, True
        headers[RETRY_COUNT_HEADER] = str(attempt)
        send.timeout = _timeout(timeout)
        started = 0.0
        if log:
            log.debug(redact(f"→ {op.method} {send.url} (attempt {attempt + 1}) {_describe(headers, connection)}"))
            started = time.monotonic()
        result = yield send

        retry_after_ms: int | None = None
        error: APIError | APIConnectionError
        if isinstance(result, httpx.Response):
            status = result.status_code
            if log:
                request_id = result.headers.get("x-request-id")
                elapsed = round((time.monotonic() - started) * 1000)
                log.debug(
                    "← %d %s in %d ms%s", status, label, elapsed, f" (request {request_id})" if request_id else ""
                )
            if 200 <= status < 300:
                return _decode(op, result, label)
            retry_after_ms = server_retry_after_ms(result.headers)
            error = _api_error(result, op.method, request.path, retry_after_ms, redact)
            retryable = status in RETRYABLE_STATUSES
        elif isinstance(result, httpx.TimeoutException):
            if cut_by_deadline:
                raise APIConnectionTimeoutError(
                    f"{label}: no response before the call's total_timeout_ms ({total_ms} ms) ran out"
                ) from result
            error = APIConnectionTimeoutError(f"{label}: no response within {settings.request_timeout_ms} ms")
            error.__cause__ = result
            retryable = True
        else:
            error = APIConnectionError(redact(f"{label}: {_reason(result)}"))
            error.__cause__ = result
            retryable = True

        retries_left = settings.max_retries - attempt if op.retry_safe else 0
        if retries_left <= 0 or not retryable:
            raise error
        if retry_after_ms is not None:
            if retry_after_ms > MAX_SERVER_WAIT_MS:
                raise error
            wait_ms = retry_after_ms
        else:
            wait_ms = retry_delay_ms(attempt)
        if deadline is not None and time.monotonic() + wait_ms / 1000 >= deadline:
            raise error
        if log:
            log.debug("retrying %s in %d ms after: %s", label, wait_ms, error)  # already redacted
        yield wait_ms / 1000
        attempt += 1


def _headers(op: Operation[Any], request: Request, connection: Connection, settings: CallSettings) -> dict[str, str]:
    # A copy: the retry count is set on it for each attempt, and the connection's own headers
    # serve every later call of an instance.
    headers = dict(connection.headers)
    extra = settings.headers or request.headers
    if settings.headers:
        headers = merge_headers(headers, settings.headers)
    if request.headers:
        headers = merge_headers(headers, request.headers)
    key_header = op.idempotency_key_header
    if key_header and key_header.lower() not in {name.lower() for name in headers}:
        # Generated once per call, so every retry carries the same key.
        headers[key_header] = str(uuid.uuid4())
    if extra:
        # Set again last: no per-call header replaces the connection's API key.
        headers = merge_headers(headers, {API_KEY_HEADER: connection.api_key})
    return headers


def _decode(op: Operation[T], response: httpx.Response, label: str) -> T:
    if op.response is None:
        return op.decode(None)
    body = response.content
    try:
        data = json.loads(body)
    except ValueError:
        raise APIConnectionError(f"{label}: the response is not valid JSON ({len(body)} bytes)") from None
    wanted = dict if op.response == "object" else list
    if not isinstance(data, wanted):
        raise APIConnectionError(f"{label}: expected a JSON {op.response} in the response, got {type(data).__name__}")
    try:
        return op.decode(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        what = f"the field {exc.args[0]!r} is missing" if isinstance(exc, KeyError) else str(exc)
        raise APIConnectionError(f"{label}: the response does not match the API: {what}") from exc


def _api_error(
    response: httpx.Response, method: str, path: str, retry_after_ms: int | None, redact: Callable[[str], str]
) -> APIError:
    payload: dict[str, Any] = {}
    try:
        parsed = json.loads(redact(response.content.decode("utf-8", "replace")))
        if isinstance(parsed, dict):
            payload = parsed
    except ValueError:
        pass  # a non-JSON error page (a proxy's HTML, say): keep the status, report no server message
    return api_error_class(response.status_code)(
        status=response.status_code,
        method=method,
        path=path,
        code=_text(payload.get("code")),
        server_message=_text(payload.get("message")) or _text(payload.get("detail")),
        request_id=_text(payload.get("requestId")) or response.headers.get("x-request-id"),
        headers=response.headers,
        retry_after_ms=retry_after_ms,
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _reason(exc: object) -> str:
    """What went wrong with the connection, in words that do not blame the wrong cause."""
    chain = _chain(exc)
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "connection refused"
    if any(isinstance(e, socket.gaierror) for e in chain):
        return "the host name could not be resolved"
    if any(isinstance(e, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)) for e in chain):
        return "connection reset by the server"
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.RemoteProtocolError) and "disconnected" in text.lower():
        return "connection reset by the server"
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect ({text})"
    return f"connection failed ({text})"


def _chain(exc: object) -> list[BaseException]:
    """The exception and everything it was raised from (httpx wraps httpcore, which wraps OSError)."""
    out: list[BaseException] = []
    current = exc if isinstance(exc, BaseException) else None
    while current is not None and current not in out:
        out.append(current)
        current = current.__cause__ or current.__context__
    return out


# --- debug logging -------------------------------------------------------------------------------

_logger = logging.getLogger("tensor_box")
_handler_added = False
# Set once a debug connection raised the logger's level: from then on the level no longer tells
# whether the application itself asked for DEBUG.
_level_set = False


def _logger_for(connection: Connection) -> logging.Logger | None:
    """The logger to write to: when this connection asked for debug output, or when the application
    configured the ``tensor_box`` logger for DEBUG itself."""
    if connection.debug:
        _enable_debug()
        return _logger
    if not _level_set and _logger.isEnabledFor(logging.DEBUG):
        return _logger
    return None


def _enable_debug() -> None:
    global _handler_added, _level_set
    if not _logger.isEnabledFor(logging.DEBUG):
        _logger.setLevel(logging.DEBUG)
        _level_set = True
    if not _handler_added and not _logger.hasHandlers():
        # Nothing is configured to show the lines: write them to stderr, as debug=True asks.
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("[tensor_box] %(message)s"))
        _logger.addHandler(handler)
        _handler_added = True


def _describe(headers: Mapping[str, str], connection: Connection) -> str:
    key = connection.api_key
    secret = API_KEY_HEADER.lower()
    return "; ".join(
        f"{name}: {'***' if name.lower() == secret or key in value else value}" for name, value in headers.items()
    )


# --- clients ------------------------------------------------------------------------------------

_shared: httpx.Client | None = None
_shared_lock = threading.Lock()
_shared_async: weakref.WeakKeyDictionary[Any, httpx.AsyncClient] = weakref.WeakKeyDictionary()


_ssl: Any = None


def _new_client(cls: type[httpx.Client] | type[httpx.AsyncClient]) -> Any:
    # Loading the CA bundle takes tens of milliseconds: every client (one per event loop, for
    # async) shares one TLS context. Per-attempt timeouts are set on each request; this is only
    # the fallback.
    global _ssl
    if _ssl is None:
        _ssl = httpx.create_ssl_context()
    return cls(timeout=DEFAULT_REQUEST_TIMEOUT_MS / 1000, verify=_ssl)


def shared_client() -> httpx.Client:
    """The pooled client every connection without its own ``http_client`` sends with."""
    global _shared
    client = _shared
    if client is None:
        with _shared_lock:
            if _shared is None:
                _shared = _new_client(httpx.Client)
            client = _shared
    return client


def _shared_async_client() -> httpx.AsyncClient | None:
    """One pooled async client per asyncio event loop (connections cannot cross loops)."""
    import asyncio

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None  # not asyncio (trio, say): the call makes its own client
    client = _shared_async.get(loop)
    if client is None:
        client = _new_client(httpx.AsyncClient)
        _shared_async[loop] = client
    return client


# Back-off waits are cut into slices so that disconnect() stops a call at once, not after a
# Retry-After of many seconds.
_SLICE = 0.05


def _sleep(seconds: float, connection: Connection) -> None:
    end = time.monotonic() + seconds
    while not connection.disconnected:
        left = end - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(left, _SLICE))


async def _async_sleep(seconds: float, connection: Connection) -> None:
    import asyncio

    try:
        asyncio.get_running_loop()
        sleep: Callable[[float], Any] = asyncio.sleep
    except RuntimeError:
        # Not asyncio: trio, the other event loop httpx runs on.
        sleep = importlib.import_module("trio").sleep
    end = time.monotonic() + seconds
    while not connection.disconnected:
        left = end - time.monotonic()
        if left <= 0:
            return
        await sleep(min(left, _SLICE))


def _forget_clients() -> None:
    # A forked child must not share the parent's sockets.
    global _shared
    _shared = None
    _shared_async.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_clients)


# --- drivers ------------------------------------------------------------------------------------


# The shared clients' own default headers, which the SDK's do not replace.
_SHARED_DEFAULTS = {"Accept-Encoding": "gzip, deflate", "Connection": "keep-alive"}


def _build(client: httpx.Client | httpx.AsyncClient, shared: bool, step: _Send) -> httpx.Request:
    if shared:
        # The shared client has no base URL, cookies or parameters to merge: building the request
        # directly skips that work on every call.
        return httpx.Request(
            step.method,
            step.url,
            headers={**_SHARED_DEFAULTS, **step.headers},
            content=step.content,
            extensions={"timeout": step.timeout.as_dict()},
        )
    # A caller's client: its defaults (headers, auth, base URL…) are merged as usual.
    return client.build_request(step.method, step.url, headers=step.headers, content=step.content, timeout=step.timeout)


def send(op: Operation[T], request: Request, connection: Connection, settings: CallSettings) -> T:
    """Sends with a blocking client, retrying as the policy says, and returns the decoded result."""
    client: httpx.Client = connection.http_client or shared_client()
    shared = connection.http_client is None
    plan = _attempts(op, request, connection, settings)
    try:
        step = next(plan)
        while True:
            if isinstance(step, float):
                _sleep(step, connection)
                step = plan.send(None)
                continue
            try:
                response = client.send(_build(client, shared, step))
            except httpx.RequestError as exc:
                step = plan.send(exc)
            else:
                step = plan.send(response)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]


async def send_async(op: Operation[T], request: Request, connection: Connection, settings: CallSettings) -> T:
    """``send`` with an async client."""
    client: httpx.AsyncClient | None = connection.http_client or _shared_async_client()
    shared = connection.http_client is None
    own = None
    if client is None:
        client = own = _new_client(httpx.AsyncClient)
    plan = _attempts(op, request, connection, settings)
    try:
        step = next(plan)
        while True:
            if isinstance(step, float):
                await _async_sleep(step, connection)
                step = plan.send(None)
                continue
            try:
                response = await client.send(_build(client, shared, step))
            except httpx.RequestError as exc:
                step = plan.send(exc)
            else:
                step = plan.send(response)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    finally:
        if own is not None:
            await own.aclose()
