"""Helpers for the generated ``from_dict`` methods (JSON from the API → the SDK's types)."""

from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, TypeVar

from .validate import format_datetime

__all__ = ["format_datetime", "list_of", "map_of", "optional", "parse_datetime"]

A = TypeVar("A")
B = TypeVar("B")


def optional(convert: Callable[[A], B], value: A | None) -> B | None:
    """``convert(value)``, or None for None (an optional field the server left out)."""
    return None if value is None else convert(value)


def list_of(convert: Callable[[Any], B], values: Any) -> list[B]:
    return [convert(item) for item in values]


def map_of(convert: Callable[[Any], B], values: Any) -> dict[str, B]:
    return {key: convert(item) for key, item in values.items()}


_FAST_ISO = sys.version_info >= (3, 11)

# RFC 3339 date-time. datetime.fromisoformat only learnt `Z` and arbitrary fractions in 3.11.
_RFC3339 = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:([Zz])|([+-])(\d\d):(\d\d))",
)


def parse_datetime(value: str) -> datetime:
    """An RFC 3339 string → an aware ``datetime`` (UTC when the string says ``Z``)."""
    if _FAST_ISO:
        # 3.11's C parser is several times faster; it also takes forms RFC 3339 does not (a
        # missing offset), which the check below sends to the strict parser, which refuses them.
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is not None and len(value) >= 20 and value[10] in "Tt ":
                return parsed
    match = _RFC3339.fullmatch(value)
    if match is None:
        raise ValueError(f"not an RFC 3339 date-time: {value!r}")
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    if zulu:
        tz = timezone.utc
    else:
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        tz = timezone(-offset if sign == "-" else offset)
    # Leap seconds (:60) are clamped: datetime cannot hold them.
    return datetime(int(year), int(month), int(day), int(hour), int(minute), min(int(second), 59), micro, tz)
