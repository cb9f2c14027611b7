/**
 * The error hierarchy shared by every tensor-box SDK (see runtime-behaviour.md). Messages never
 * contain the API key or the value of an injected env var.
 */

/** Base class of every error this SDK throws. */
export class TensorBoxError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
  // Names are spelled out (not taken from the constructor) so that minified bundles keep them.
  override name = 'TensorBoxError';
}

/** The SDK refused the arguments before sending any request. */
export class InvalidArgumentError extends TensorBoxError {
  override name = 'InvalidArgumentError';
  /** The argument, as a path (`timeoutMs`, `lifecycle.onTimeout`, `state[1]`). */
  readonly argument: string;

  constructor(argument: string, message: string) {
    super(message);
    this.argument = argument;
  }
}

export interface APIErrorInit {
  status: number;
  method: string;
  path: string;
  code: string | undefined;
  serverMessage: string | undefined;
  requestId: string | undefined;
  headers: Headers;
  retryAfterMs?: number | undefined;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * The server answered with an error status. The message reads like
 * `POST /sandboxes/sbx_123/pause → 409 Conflict: sandbox is already paused (request req_abc)`.
 */
export class APIError extends TensorBoxError {
  override name = 'APIError';
  readonly status: number;
  /** The server's machine-readable error code (`sandbox_not_found`). */
  readonly code: string | undefined;
  /** The server's own message, without the request line. */
  readonly serverMessage: string | undefined;
  readonly requestId: string | undefined;
  readonly headers: Headers;

  constructor(init: APIErrorInit) {
    const statusText = STATUS_TEXT[init.status] ?? 'Error';
    const detail = init.serverMessage ? `: ${init.serverMessage}` : '';
    const request = init.requestId ? ` (request ${init.requestId})` : '';
    super(`${init.method} ${init.path} → ${init.status} ${statusText}${detail}${request}`);
    this.status = init.status;
    this.code = init.code;
    this.serverMessage = init.serverMessage;
    this.requestId = init.requestId;
    this.headers = init.headers;
  }
}

export class BadRequestError extends APIError {
  override name = 'BadRequestError';
}
export class AuthenticationError extends APIError {
  override name = 'AuthenticationError';
}
export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError';
}
export class NotFoundError extends APIError {
  override name = 'NotFoundError';
}
export class ConflictError extends APIError {
  override name = 'ConflictError';
}
export class UnprocessableEntityError extends APIError {
  override name = 'UnprocessableEntityError';
}

export class RateLimitError extends APIError {
  override name = 'RateLimitError';
  /** How long the server asked to wait, in milliseconds (from `Retry-After` / `Retry-After-Ms`). */
  readonly retryAfterMs: number | undefined;

  constructor(init: APIErrorInit) {
    super(init);
    this.retryAfterMs = init.retryAfterMs;
  }

  /** The wait the server asked for, in seconds. */
  get retryAfter(): number | undefined {
    return this.retryAfterMs === undefined ? undefined : this.retryAfterMs / 1000;
  }
}

export class InternalServerError extends APIError {
  override name = 'InternalServerError';
}

/** No usable answer: connection refused or reset, DNS failure, or a malformed response body. */
export class APIConnectionError extends TensorBoxError {
  override name = 'APIConnectionError';
}

/** One attempt took longer than `requestTimeoutMs`. */
export class APIConnectionTimeoutError extends APIConnectionError {
  override name = 'APIConnectionTimeoutError';
}

/** The caller cancelled (an aborted `signal`, or `disconnect()`). */
export class APIUserAbortError extends TensorBoxError {
  override name = 'APIUserAbortError';
}

/** The `APIError` subclass for a status code. */
export function apiErrorFor(init: APIErrorInit): APIError {
  const { status } = init;
  if (status === 400) return new BadRequestError(init);
  if (status === 401) return new AuthenticationError(init);
  if (status === 403) return new PermissionDeniedError(init);
  if (status === 404) return new NotFoundError(init);
  if (status === 409) return new ConflictError(init);
  if (status === 422) return new UnprocessableEntityError(init);
  if (status === 429) return new RateLimitError(init);
  if (status >= 500) return new InternalServerError(init);
  return new APIError(init);
}
