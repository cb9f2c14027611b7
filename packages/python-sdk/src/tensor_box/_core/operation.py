"""What the generated code knows about an operation, and how one call's arguments become a request.

URLs use one canonical encoding shared by every tensor-box SDK: UTF-8, and every byte outside
RFC 3986's unreserved set (``A-Z a-z 0-9 - . _ ~``) percent-encoded, so the same input gives the
same bytes on the wire in TypeScript, Python and Go.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable, Generic, TypeVar
from urllib.parse import quote

from .errors import InvalidArgumentError
from .pagination import Page

if TYPE_CHECKING:
    from .validate import Check

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741 - the item type of a page

# Where an argument goes.
PATH = "path"
QUERY = "query"
HEADER = "header"
BODY = "body"

# How a query parameter is written (the IR's serialisations).
FORM = "form"
FORM_EXPLODE = "form-explode"
FORM_URLENCODED_MAP = "form-urlencoded-map"


class Arg:
    """One argument of a method: its Python name (for messages), its check, and where it goes."""

    __slots__ = ("check", "location", "name", "required", "secret", "style", "wire_name")

    def __init__(
        self,
        name: str,
        check: Check,
        location: str,
        wire_name: str,
        *,
        style: str = FORM,
        required: bool = False,
        secret: bool = False,
    ) -> None:
        self.name = name
        self.check = check
        self.location = location
        self.wire_name = wire_name
        self.style = style
        self.required = required
        # The values of this map are secrets (a sandbox's env vars): never in an error or a log.
        self.secret = secret


class Operation(Generic[T]):
    """One operation of the spec. ``decode`` turns the parsed JSON response into the method's result."""

    __slots__ = (
        "args",
        "body",
        "cursor_param",
        "decode",
        "idempotency_key_header",
        "method",
        "path",
        "response",
        "retry_safe",
        "_path_parts",
    )

    def __init__(
        self,
        *,
        method: str,
        path: str,
        args: tuple[Arg, ...],
        retry_safe: bool,
        decode: Callable[[Any], T],
        response: str | None = None,
        body: str | None = None,
        idempotency_key_header: str | None = None,
        cursor_param: str | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.args = args
        self.retry_safe = retry_safe
        self.decode = decode
        # "object" or "array": the JSON a success response must hold; None: no content.
        self.response = response
        # "required" or "optional" (an optional body whose fields are all unset is not sent); None: no body.
        self.body = body
        # A header carrying an idempotency key, generated once per call (the same on every retry).
        self.idempotency_key_header = idempotency_key_header
        # The query parameter a paginator fills with the next page's cursor.
        self.cursor_param = cursor_param
        # "/sandboxes/{sandboxId}/pause" → ["/sandboxes/", "sandboxId", "/pause"]: odd items are names.
        self._path_parts = re.split(r"\{([^}]+)\}", path)


class Request:
    """One call's request, before it is put on the wire."""

    __slots__ = ("body", "headers", "path", "query", "secrets")

    def __init__(
        self,
        path: str,
        query: list[tuple[str, str, Any]],
        headers: dict[str, str],
        body: dict[str, Any] | None,
        secrets: tuple[str, ...] = (),
    ) -> None:
        self.path = path
        # (name, style, wire value) in spec order; a value of None is not sent.
        self.query = query
        self.headers = headers
        self.body = body
        # Values sent in this request that must never come back in an error or a log line.
        self.secrets = secrets

    def query_string(self) -> str:
        """``?a=1&state=running&state=paused``, or '' when nothing is set."""
        pairs: list[str] = []
        for name, style, value in self.query:
            if value is None:
                continue
            key = quote(name, safe="")
            if style == FORM_EXPLODE:
                pairs.extend(f"{key}={quote(_scalar(item), safe='')}" for item in value)
            elif style == FORM_URLENCODED_MAP:
                if value:
                    inner = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in value.items())
                    pairs.append(f"{key}={quote(inner, safe='')}")
            else:
                pairs.append(f"{key}={quote(_scalar(value), safe='')}")
        return f"?{'&'.join(pairs)}" if pairs else ""

    def with_query(self, name: str, value: object) -> Request:
        """A copy with one query parameter set (a paginator's cursor)."""
        query = [(n, s, value if n == name else old) for n, s, old in self.query]
        return Request(self.path, query, self.headers, self.body, self.secrets)


def _scalar(value: object) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def build_request(op: Operation[Any], where: str, values: tuple[object, ...]) -> Request:
    """Checks each argument (``values`` are in the order of ``op.args``) and places its wire form."""
    path_values: dict[str, str] = {}
    query: list[tuple[str, str, Any]] = []
    headers: dict[str, str] = {}
    body: dict[str, Any] | None = None if op.body is None else {}
    secrets: tuple[str, ...] = ()
    for arg, value in zip(op.args, values):
        location = arg.location
        if value is None:
            if arg.required:
                raise InvalidArgumentError(arg.name, f"{where}: {arg.name} is required")
            if location == QUERY:
                query.append((arg.wire_name, arg.style, None))
            continue
        wire = arg.check(value, arg.name, where)
        if arg.secret:
            secrets += tuple(wire.values()) if isinstance(wire, dict) else (str(wire),)
        if location == PATH:
            path_values[arg.wire_name] = quote(str(wire), safe="")
        elif location == QUERY:
            query.append((arg.wire_name, arg.style, wire))
        elif location == HEADER:
            headers[arg.wire_name] = str(wire)
        else:
            body[arg.wire_name] = wire  # type: ignore[index]
    if body is not None and not body and op.body == "optional":
        body = None
    parts = op._path_parts
    path = parts[0] if len(parts) == 1 else "".join(p if i % 2 == 0 else path_values[p] for i, p in enumerate(parts))
    return Request(path, query, headers, body, secrets)


def decode_none(data: object) -> None:
    """The result of an operation that returns no content."""
    return None


def decode_field(field: str) -> Callable[[Any], str]:
    """The result of a factory: the new instance's ID, from the response."""

    def decode(data: Any) -> str:
        value = data[field]
        if not isinstance(value, str):
            raise TypeError(f"{field} is {type(value).__name__}, not a string")
        return value

    return decode


def decode_list(item: Callable[[Any], I]) -> Callable[[Any], list[I]]:
    def decode(data: Any) -> list[I]:
        return [item(x) for x in data]

    return decode


def decode_page(items_field: str, next_cursor_field: str, item: Callable[[Any], I]) -> Callable[[Any], Page[I]]:
    def decode(data: Any) -> Page[I]:
        cursor = data.get(next_cursor_field)
        return Page([item(x) for x in data[items_field]], cursor if isinstance(cursor, str) and cursor else None)

    return decode
