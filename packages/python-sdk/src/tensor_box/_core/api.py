"""The entry points the generated classes call: check the arguments, resolve the connection, send,
decode. Each exists blocking and async; the generated ``Sandbox`` uses the first, ``AsyncSandbox``
the second.

The transport (and with it httpx) is imported by the first request, not by ``import tensor_box``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from .config import (
    CALL_KEYS,
    CONNECTION_KEYS,
    REQUEST_KEYS,
    CallSettings,
    Connection,
    call_settings,
    check_option_keys,
    resolve_connection,
)
from .errors import APIUserAbortError, InvalidArgumentError
from .operation import PATH, build_request
from .pagination import AsyncPaginator, Page, Paginator
from .validate import integer

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .operation import Operation, Request

T = TypeVar("T")

_check_total_timeout = integer(1, 2_147_483_647, "ms")


def _own_options(op: Operation[Any]) -> tuple[str, ...]:
    return tuple(a.name for a in op.args if a.location != PATH and a.wire_name != op.cursor_param)


def _prepare_by_id(
    op: Operation[Any],
    where: str,
    values: tuple[object, ...],
    options: Mapping[str, Any],
    is_async: bool,
) -> tuple[Request, Connection, CallSettings]:
    if options:
        check_option_keys(where, options, CALL_KEYS, _own_options(op))
    request = build_request(op, where, values)
    connection = resolve_connection(where, options, is_async)
    total = options.get("total_timeout_ms")
    settings = connection.defaults
    if total is not None:
        settings = CallSettings(
            settings.request_timeout_ms,
            settings.max_retries,
            None,
            _check_total_timeout(total, "total_timeout_ms", where),
        )
    return request, connection, settings


def _prepare_bound(
    op: Operation[Any],
    where: str,
    values: tuple[object, ...],
    options: Mapping[str, Any],
    connection: Connection,
) -> tuple[Request, CallSettings]:
    if connection.disconnected:
        raise APIUserAbortError(f"{where}: {connection.reconnect_hint}")
    if options:
        for key in options:
            if key in CONNECTION_KEYS and key not in REQUEST_KEYS:
                raise InvalidArgumentError(
                    key,
                    f"{where}: option {key!r} cannot be given to an instance's method: the instance keeps the "
                    "connection it was made with (use the by-ID form, or connect again)",
                )
        check_option_keys(where, options, REQUEST_KEYS, _own_options(op))
    return build_request(op, where, values), call_settings(where, options, connection)


def invoke(
    op: Operation[T],
    where: str,
    values: tuple[object, ...],
    options: Mapping[str, Any],
    connection: Connection | None = None,
) -> T:
    """One blocking call: by ID (``connection`` None: resolved from ``options``) or on an instance."""
    if connection is None:
        request, connection, settings = _prepare_by_id(op, where, values, options, False)
    else:
        request, settings = _prepare_bound(op, where, values, options, connection)
    from .transport import send

    return send(op, request, connection, settings)


def invoke_factory(
    op: Operation[T],
    where: str,
    values: tuple[object, ...],
    options: Mapping[str, Any],
) -> tuple[T, Connection]:
    """A blocking factory call (create, connect): its result and the connection the new instance keeps."""
    request, connection, settings = _prepare_by_id(op, where, values, options, False)
    from .transport import send

    return send(op, request, connection, settings), connection


def paginate(
    op: Operation[Page[T]],
    where: str,
    values: tuple[object, ...],
    options: Mapping[str, Any],
) -> Paginator[T]:
    """A lazy list: arguments are checked now, pages are fetched while iterating."""
    request, connection, settings = _prepare_by_id(op, where, values, options, False)
    cursor_param = op.cursor_param or ""

    def fetch(cursor: str | None) -> Page[T]:
        from .transport import send

        return send(op, request if cursor is None else request.with_query(cursor_param, cursor), connection, settings)

    return Paginator(fetch)


async def invoke_async(
    op: Operation[T],
    where: str,
    values: tuple[object, ...],
    options: Mapping[str, Any],
    connection: Connection | None = None,
) -> T:
    """``invoke`` for ``AsyncSandbox``."""
    if connection is None:
        request, connection, settings = _prepare_by_id(op, where, values, options, True)
    else:
        request, settings = _prepare_bound(op, where, values, options, connection)
    from .transport import send_async

    return await send_async(op, request, connection, settings)


async def invoke_factory_async(
    op: Operation[T],
    where: str,
    values: tuple[object, ...],
    options: Mapping[str, Any],
) -> tuple[T, Connection]:
    """``invoke_factory`` for ``AsyncSandbox``."""
    request, connection, settings = _prepare_by_id(op, where, values, options, True)
    from .transport import send_async

    return await send_async(op, request, connection, settings), connection


def paginate_async(
    op: Operation[Page[T]],
    where: str,
    values: tuple[object, ...],
    options: Mapping[str, Any],
) -> AsyncPaginator[T]:
    """``paginate`` for ``AsyncSandbox``."""
    request, connection, settings = _prepare_by_id(op, where, values, options, True)
    cursor_param = op.cursor_param or ""

    async def fetch(cursor: str | None) -> Page[T]:
        from .transport import send_async

        return await send_async(
            op, request if cursor is None else request.with_query(cursor_param, cursor), connection, settings
        )

    return AsyncPaginator(fetch)
