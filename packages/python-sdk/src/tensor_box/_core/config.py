"""Options and their resolution: the explicit option > the environment variable > the default.

A ``Sandbox`` instance keeps the ``Connection`` it was made with for all its later calls; a
by-ID call resolves one from its own options.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypedDict
from urllib.parse import urlsplit

from .._generated._meta import API_KEY_HEADER, DEFAULT_DOMAIN, ENV_API_KEY, ENV_DOMAIN, SDK_LANGUAGE, SDK_VERSION
from . import validate as v
from .errors import InvalidArgumentError

if TYPE_CHECKING:
    import httpx

__all__ = ["AsyncCallOptions", "CallOptions", "RequestOptions"]

ENV_DEBUG = "TENSOR_BOX_DEBUG"
DEFAULT_REQUEST_TIMEOUT_MS = 60_000
DEFAULT_MAX_RETRIES = 2


class RequestOptions(TypedDict, total=False):
    """Options of one call on an instance (the instance keeps how to connect)."""

    request_timeout_ms: int
    """The limit for one attempt, in milliseconds (each of connect, write and every read). Default 60,000."""
    max_retries: int
    """Retries after the first attempt, for requests that are safe to retry. Default 2."""
    headers: Mapping[str, str]
    """Extra headers for this call."""
    total_timeout_ms: int
    """The limit for the whole call in milliseconds, retries and the waits between them included."""


class _ConnectionOptions(TypedDict, total=False):
    domain: str
    """The API's base URL. Default: ``TENSOR_BOX_DOMAIN``, then ``https://app.tos.run``. A bare host means https."""
    api_key: str
    """Sent as ``X-API-Key`` on every request. Default: ``TENSOR_BOX_API_KEY``."""
    debug: bool
    """Log every request to the ``tensor_box`` logger (method, URL, status, timing; never the API key or a
    body). Default: ``TENSOR_BOX_DEBUG``."""


class CallOptions(RequestOptions, _ConnectionOptions, total=False):
    """Options of a by-ID call or a factory (``create``, ``connect``): how to connect, and this call's options.
    What an instance keeps is everything but ``total_timeout_ms``."""

    http_client: httpx.Client
    """The ``httpx.Client`` to send with (proxies, TLS, limits). Default: one shared, pooled client."""


class AsyncCallOptions(RequestOptions, _ConnectionOptions, total=False):
    """``CallOptions`` of ``AsyncSandbox``."""

    http_client: httpx.AsyncClient
    """The ``httpx.AsyncClient`` to send with. Default: one shared, pooled client per event loop."""


CONNECTION_KEYS = ("domain", "api_key", "request_timeout_ms", "max_retries", "headers", "debug", "http_client")
REQUEST_KEYS = ("request_timeout_ms", "max_retries", "headers", "total_timeout_ms")
CALL_KEYS = (*CONNECTION_KEYS, "total_timeout_ms")

USER_AGENT = f"tensor-box-{SDK_LANGUAGE}/{SDK_VERSION}"
RUNTIME = f"{sys.implementation.name}/{sys.version_info[0]}.{sys.version_info[1]}.{sys.version_info[2]}"

_check_request_timeout = v.integer(1, 3_600_000, "ms")
_check_total_timeout = v.integer(1, 2_147_483_647, "ms")
_check_max_retries = v.integer(0, 10)
_check_bool = v.boolean()
# Header values may be credentials of a proxy: they are never shown.
_check_header_map = v.mapping(v.string(), secret=True)


class CallSettings:
    """What one call uses besides its connection."""

    __slots__ = ("headers", "max_retries", "request_timeout_ms", "total_timeout_ms")

    def __init__(
        self,
        request_timeout_ms: int,
        max_retries: int,
        headers: Mapping[str, str] | None,
        total_timeout_ms: int | None,
    ) -> None:
        self.request_timeout_ms = request_timeout_ms
        self.max_retries = max_retries
        self.headers = headers
        self.total_timeout_ms = total_timeout_ms


class Connection:
    """How to reach the API, resolved and checked once."""

    __slots__ = (
        "api_key",
        "base_url",
        "debug",
        "defaults",
        "disconnected",
        "headers",
        "http_client",
        "reconnect_hint",
    )

    def __init__(
        self,
        base_url: str,
        api_key: str,
        headers: dict[str, str],
        request_timeout_ms: int,
        max_retries: int,
        debug: bool,
        http_client: Any,
    ) -> None:
        self.base_url = base_url
        self.api_key = api_key
        # Every request's headers before the call's own; the API key is set last, so no extra
        # header can replace it.
        if headers:
            self.headers = merge_headers(merge_headers(SDK_HEADERS, headers), {API_KEY_HEADER: api_key})
        else:
            self.headers = {**SDK_HEADERS, API_KEY_HEADER: api_key}
        self.debug = debug
        self.http_client = http_client
        self.defaults = CallSettings(request_timeout_ms, max_retries, None, None)
        self.disconnected = False
        # Set by an instance: what a call after disconnect() says to do instead.
        self.reconnect_hint = ""

    def __repr__(self) -> str:
        # Never the key: a repr ends up in logs and tracebacks.
        return f"Connection(base_url={self.base_url!r})"


SDK_HEADERS = {
    "Accept": "application/json",
    "User-Agent": USER_AGENT,
    "X-Tensor-Box-Lang": SDK_LANGUAGE,
    "X-Tensor-Box-Version": SDK_VERSION,
    "X-Tensor-Box-Runtime": RUNTIME,
}
"""The headers naming the SDK that every request carries."""


def merge_headers(base: Mapping[str, str], extra: Mapping[str, str]) -> dict[str, str]:
    """``base`` updated with ``extra``, names compared case-insensitively (HTTP's rule), so that a
    header is never sent twice under two spellings."""
    out = dict(base)
    if not extra:
        return out
    spelled = {name.lower(): name for name in out}
    for name, value in extra.items():
        old = spelled.get(name.lower())
        if old is not None:
            del out[old]
        out[name] = value
        spelled[name.lower()] = name
    return out


def check_option_keys(where: str, options: Mapping[str, Any], allowed: tuple[str, ...], own: tuple[str, ...]) -> None:
    """Refuses an option the method does not take (a misspelt ``timeoutMs``, say)."""
    for key in options:
        if key not in allowed:
            known = (*own, *allowed)
            hint = _suggest(key, known)
            raise InvalidArgumentError(
                key, f"{where}: unknown option {key!r}{hint} (known: {', '.join(dict.fromkeys(known))})"
            )


def _suggest(key: str, known: tuple[str, ...]) -> str:
    # camelCase from the TypeScript docs is the usual slip: timeoutMs → timeout_ms.
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in key).lstrip("_")
    for candidate in (snake, snake.replace("__", "_")):
        if candidate != key and candidate in known:
            return f"; did you mean {candidate!r}?"
    import difflib  # only on this error path

    close = difflib.get_close_matches(key, known, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _option(options: Mapping[str, Any], name: str, default: Any, check: v.Check, where: str) -> Any:
    """An option's checked value, or ``default`` when it was not given."""
    value = options.get(name)
    return default if value is None else check(value, name, where)


def resolve_connection(where: str, options: Mapping[str, Any], is_async: bool) -> Connection:
    """The connection of a by-ID call or a factory, from its options, the environment and the defaults."""
    domain = options.get("domain")
    if domain is None:
        domain = _env(ENV_DOMAIN) or DEFAULT_DOMAIN
    api_key = options.get("api_key")
    if api_key is None:
        api_key = _env(ENV_API_KEY)
    if api_key is None or api_key == "":
        raise InvalidArgumentError("api_key", f"{where}: no API key; pass api_key=... or set {ENV_API_KEY}")
    if not isinstance(api_key, str):
        v.fail(where, "api_key", "a string", api_key, secret=True)
    debug = options.get("debug")
    if debug is None:
        debug = _truthy(_env(ENV_DEBUG))
    http_client = options.get("http_client")
    if http_client is not None:
        _check_http_client(where, http_client, is_async)
    return Connection(
        base_url=_parse_domain(where, domain),
        api_key=api_key,
        headers=_option(options, "headers", {}, _check_header_map, where),
        request_timeout_ms=_option(
            options, "request_timeout_ms", DEFAULT_REQUEST_TIMEOUT_MS, _check_request_timeout, where
        ),
        max_retries=_option(options, "max_retries", DEFAULT_MAX_RETRIES, _check_max_retries, where),
        debug=_check_bool(debug, "debug", where),
        http_client=http_client,
    )


def call_settings(where: str, options: Mapping[str, Any], connection: Connection) -> CallSettings:
    """One call's settings: its own options over the connection's."""
    defaults = connection.defaults
    if not options.keys() & REQUEST_KEYS:
        return defaults
    return CallSettings(
        request_timeout_ms=_option(
            options, "request_timeout_ms", defaults.request_timeout_ms, _check_request_timeout, where
        ),
        max_retries=_option(options, "max_retries", defaults.max_retries, _check_max_retries, where),
        headers=_option(options, "headers", None, _check_header_map, where),
        total_timeout_ms=_option(options, "total_timeout_ms", None, _check_total_timeout, where),
    )


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None


def _truthy(value: str | None) -> bool:
    return value is not None and value.lower() not in ("0", "false", "no", "off")


# A by-ID call resolves its domain on every call; parsing it once per distinct value is enough.
_parsed_domains: dict[str, str] = {}


def _parse_domain(where: str, domain: object) -> str:
    if isinstance(domain, str):
        known = _parsed_domains.get(domain)
        if known is not None:
            return known
    base_url = _check_domain(where, domain)
    if len(_parsed_domains) < 64:
        _parsed_domains[domain] = base_url  # type: ignore[index]
    return base_url


def _check_domain(where: str, domain: object) -> str:
    if not isinstance(domain, str):
        v.fail(where, "domain", "a URL such as https://app.tos.run", domain)
    with_scheme = domain if "://" in domain else f"https://{domain}"
    try:
        parts = urlsplit(with_scheme)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if parts is None or not parts.hostname or parts.query or parts.fragment:
        v.fail(where, "domain", "a URL such as https://app.tos.run", domain)
    if parts.scheme not in ("http", "https"):
        v.fail(where, "domain", "an http or https URL", domain)
    return with_scheme.rstrip("/")


def _check_http_client(where: str, client: object, is_async: bool) -> None:
    import httpx  # the caller made one, so httpx is loaded already

    wanted = httpx.AsyncClient if is_async else httpx.Client
    if not isinstance(client, wanted):
        v.fail(where, "http_client", v.article(f"httpx.{wanted.__name__}"), client)
