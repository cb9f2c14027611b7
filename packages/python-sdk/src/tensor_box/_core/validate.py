"""Argument checks, run before any request.

The generated code describes each argument with these combinators (from the spec's types and
limits). A check takes ``(value, path, where)`` and returns the value's wire form (a ``datetime``
becomes its RFC 3339 string, a model becomes a JSON object), or raises an ``InvalidArgumentError``
that names the argument, shows the value (never a secret's) and says what is allowed.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, NoReturn

from .errors import InvalidArgumentError

if TYPE_CHECKING:
    from .model import Model

Check = Callable[[Any, str, str], Any]
"""``check(value, path, where) -> wire value``; raises ``InvalidArgumentError``."""


def article(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiouAEIOU" else f"a {noun}"


def show(value: object, secret: bool = False) -> str:
    """A value as a message shows it; a secret is described by its type only."""
    if secret:
        return article(type(value).__name__)
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if value is None or isinstance(value, (bool, int, float)):
        return repr(value)
    if isinstance(value, datetime):
        return f"datetime {value.isoformat()}"
    return article(type(value).__name__)


def fail(where: str, path: str, expected: str, value: object, secret: bool = False) -> NoReturn:
    raise InvalidArgumentError(path, f"{where}: {path} must be {expected} (got {show(value, secret)})")


def string(min_length: int | None = None, max_length: int | None = None) -> Check:
    def check(value: Any, path: str, where: str) -> str:
        if not isinstance(value, str):
            fail(where, path, "a string", value)
        if min_length is not None and len(value) < min_length:
            fail(where, path, "a non-empty string" if min_length == 1 else f"at least {min_length} characters", value)
        if max_length is not None and len(value) > max_length:
            fail(where, path, f"at most {max_length} characters", value)
        return value

    return check


def integer(minimum: int | None = None, maximum: int | None = None, unit: str = "") -> Check:
    """A whole number; ``unit`` is appended in messages (``ms``). ``bool`` is refused, though Python
    counts it as an int; any other integer type (``numpy.int64``) is accepted through ``__index__``."""
    suffix = f" {unit}" if unit else ""
    if minimum is not None and maximum is not None:
        expected = f"an integer from {minimum} to {maximum}{suffix}"
    elif minimum is not None:
        expected = f"an integer of at least {minimum}{suffix}"
    elif maximum is not None:
        expected = f"an integer of at most {maximum}{suffix}"
    else:
        expected = "an integer"

    def check(value: Any, path: str, where: str) -> int:
        number = value
        if type(value) is not int:
            if isinstance(value, bool) or not hasattr(type(value), "__index__"):
                fail(where, path, expected, value)
            number = operator.index(value)
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            fail(where, path, expected, value)
        return number  # type: ignore[no-any-return]

    return check


def number() -> Check:
    def check(value: Any, path: str, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value in _INFINITIES:
            fail(where, path, "a finite number", value)
        finite: float = value
        return finite

    return check


_INFINITIES = (float("inf"), float("-inf"))


def boolean() -> Check:
    def check(value: Any, path: str, where: str) -> bool:
        if not isinstance(value, bool):
            fail(where, path, "True or False", value)
        return value

    return check


def date_time() -> Check:
    """An aware ``datetime``; a naive one is refused, since it could mean local time or UTC."""

    def check(value: Any, path: str, where: str) -> str:
        if not isinstance(value, datetime):
            fail(where, path, "a timezone-aware datetime", value)
        if value.utcoffset() is None:
            raise InvalidArgumentError(
                path,
                f"{where}: {path} must be a timezone-aware datetime (got the naive datetime {value.isoformat()}; "
                "use datetime.now(timezone.utc) or .replace(tzinfo=...))",
            )
        return format_datetime(value)

    return check


def format_datetime(value: datetime) -> str:
    """RFC 3339 in UTC with milliseconds and ``Z``, as every tensor-box SDK writes times."""
    utc = value.astimezone(timezone.utc)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
        f".{utc.microsecond // 1000:03d}Z"
    )


def one_of(values: tuple[str, ...]) -> Check:
    """One of the values the spec lists (enums in requests are closed)."""
    allowed = ", ".join(repr(v) for v in values)

    def check(value: Any, path: str, where: str) -> str:
        if not isinstance(value, str) or value not in values:
            fail(where, path, f"one of {allowed}", value)
        return value

    return check


def array(item: Check) -> Check:
    def check(value: Any, path: str, where: str) -> list[Any]:
        # A str is a Sequence too, and state="paused" would otherwise become five one-letter states.
        if isinstance(value, (str, bytes, bytearray)) or not isinstance(value, Sequence):
            fail(where, path, "a list", value)
        return [item(v, f"{path}[{i}]", where) for i, v in enumerate(value)]

    return check


def mapping(value: Check, secret: bool = False) -> Check:
    """A mapping with string keys; with ``secret``, values never appear in messages."""

    def check(items: Any, path: str, where: str) -> dict[str, Any]:
        if not isinstance(items, Mapping):
            fail(where, path, "a mapping with string keys", items)
        out: dict[str, Any] = {}
        for key, item in items.items():
            if not isinstance(key, str):
                fail(where, f"{path} key", "a string", key)
            if secret and not isinstance(item, str):
                # Checked here so that the value check below never gets to show a secret.
                fail(where, f"{path}[{key!r}]", "a string", item, secret=True)
            out[key] = value(item, f"{path}[{key!r}]", where)
        return out

    return check


class Field:
    """One field of an input model: its Python name, its JSON name and its check."""

    __slots__ = ("check", "name", "required", "wire_name")

    def __init__(self, name: str, wire_name: str, check: Check, required: bool = False) -> None:
        self.name = name
        self.wire_name = wire_name
        self.check = check
        self.required = required


class Rule:
    """A cross-field rule of the spec: when every ``when`` field has its value, each ``require`` field must too."""

    __slots__ = ("message", "require", "when")

    def __init__(self, when: Mapping[str, object], require: Mapping[str, object], message: str) -> None:
        self.when = when
        self.require = require
        self.message = message


def model(
    cls: type[Model],
    fields: tuple[Field, ...],
    rules: tuple[Rule, ...] = (),
    defaults: Mapping[str, object] | None = None,
) -> Check:
    """An input model instance. ``defaults`` are the spec's defaults, applied when rules are evaluated
    (an unset ``on_timeout`` counts as its default)."""
    known = defaults or {}

    def check(value: Any, path: str, where: str) -> dict[str, Any]:
        if not isinstance(value, cls):
            fail(where, path, article(cls.__name__), value)
        wire: dict[str, Any] = {}
        given: dict[str, object] = {}
        for f in fields:
            item = getattr(value, f.name)
            if item is None:
                if f.required:
                    raise InvalidArgumentError(f"{path}.{f.name}", f"{where}: {path}.{f.name} is required")
                continue
            given[f.name] = item
            wire[f.wire_name] = f.check(item, f"{path}.{f.name}", where)
        for rule in rules:
            effective = {**known, **given}
            if all(effective.get(k) == v for k, v in rule.when.items()):
                for k, v in rule.require.items():
                    if effective.get(k) != v:
                        shown = dict.fromkeys([*rule.when, *rule.require])
                        got = ", ".join(f"{name}={show(effective.get(name))}" for name in shown)
                        raise InvalidArgumentError(f"{path}.{k}", f"{where}: {path}: {rule.message} (got {got})")
        return wire

    return check
