"""The error hierarchy every tensor-box SDK shares (same class names in TypeScript and Go).

No message built here ever contains the API key or the value of an injected environment
variable: messages are made from the method, the path, the status and the server's own words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

__all__ = [
    "APIConnectionError",
    "APIConnectionTimeoutError",
    "APIError",
    "APIUserAbortError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "InvalidArgumentError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "TensorBoxError",
    "UnprocessableEntityError",
]


class TensorBoxError(Exception):
    """Base class of every error this SDK raises."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# A wrong type is a TypeError in Python and a wrong value a ValueError; this error covers both, so
# code that already catches either keeps working.
class InvalidArgumentError(TensorBoxError, ValueError, TypeError):
    """The SDK refused the arguments before sending any request.

    ``argument`` is the path of the argument at fault (``timeout_ms``, ``lifecycle.on_timeout``,
    ``state[1]``); the message names it, shows the value (never a secret's) and says what is allowed.
    """

    argument: str

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(message)
        self.argument = argument

    def __reduce__(self) -> tuple[type[InvalidArgumentError], tuple[str, str]]:
        return (type(self), (self.argument, self.message))


_STATUS_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    408: "Request Timeout",
    409: "Conflict",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class APIError(TensorBoxError):
    """The server answered with an error status.

    The message reads like
    ``POST /sandboxes/sbx_123/pause → 409 Conflict: sandbox is already paused (request req_abc)``.
    """

    status: int
    """The HTTP status code."""
    code: str | None
    """The server's machine-readable error code (``sandbox_not_found``)."""
    server_message: str | None
    """The server's own message, without the request line."""
    request_id: str | None
    """The request's ID; quote it when you contact support."""
    headers: httpx.Headers
    """The response headers."""
    retry_after_ms: int | None
    """How long the server asked to wait, in milliseconds (``Retry-After`` / ``Retry-After-Ms``)."""
    method: str
    path: str
    """The request path as sent (percent-encoded), without the query."""

    def __init__(
        self,
        *,
        status: int,
        method: str,
        path: str,
        code: str | None,
        server_message: str | None,
        request_id: str | None,
        headers: httpx.Headers,
        retry_after_ms: int | None = None,
    ) -> None:
        detail = f": {server_message}" if server_message else ""
        request = f" (request {request_id})" if request_id else ""
        super().__init__(f"{method} {path} → {status} {_STATUS_TEXT.get(status, 'Error')}{detail}{request}")
        self.status = status
        self.method = method
        self.path = path
        self.code = code
        self.server_message = server_message
        self.request_id = request_id
        self.headers = headers
        self.retry_after_ms = retry_after_ms

    @property
    def retry_after(self) -> float | None:
        """The wait the server asked for, in seconds (a 429's or a 503's ``Retry-After``)."""
        return None if self.retry_after_ms is None else self.retry_after_ms / 1000

    # Keyword-only constructors do not survive pickling by default (multiprocessing pools do that).
    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), {k: getattr(self, k) for k in _API_ERROR_FIELDS}))


_API_ERROR_FIELDS = ("status", "method", "path", "code", "server_message", "request_id", "headers", "retry_after_ms")


def _rebuild(cls: type[APIError], fields: dict[str, object]) -> APIError:
    return cls(**fields)  # type: ignore[arg-type]


class BadRequestError(APIError):
    """400: the request is malformed."""


class AuthenticationError(APIError):
    """401: the API key is missing or not valid."""


class PermissionDeniedError(APIError):
    """403: the API key may not do this."""


class NotFoundError(APIError):
    """404: no such sandbox for this API key (it never existed, or it belongs to another key)."""


class ConflictError(APIError):
    """409: the sandbox is not in a state that allows this (already paused, closed, …)."""


class UnprocessableEntityError(APIError):
    """422: the request is well-formed but cannot be done (an unknown template, say)."""


class RateLimitError(APIError):
    """429: too many requests; ``retry_after`` is the wait the server asked for, in seconds."""


class InternalServerError(APIError):
    """500 or above: the server failed or is briefly unavailable."""


class APIConnectionError(TensorBoxError):
    """No usable answer: connection refused or reset, DNS failure, or a malformed response body."""


class APIConnectionTimeoutError(APIConnectionError):
    """An attempt took longer than ``request_timeout_ms`` (or the call's ``total_timeout_ms`` ran out)."""


class APIUserAbortError(TensorBoxError):
    """The caller cancelled: the instance was disconnected."""


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
}


def api_error_class(status: int) -> type[APIError]:
    """The ``APIError`` subclass for a status code."""
    if status == 429:
        return RateLimitError
    if status >= 500:
        return InternalServerError
    return _BY_STATUS.get(status, APIError)
