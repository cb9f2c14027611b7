/** An error answer: always the spec's `Error` shape (`code`, `message`, `requestId`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds for `Retry-After` (429 and 503). */
    readonly retryAfterS?: number,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new ApiError(400, 'bad_request', message);
export const notFound = (sandboxId: string, why = '') =>
  new ApiError(404, 'sandbox_not_found', `sandbox ${sandboxId} not found${why}`);

/** A path parameter broke the spec's rules: no such resource can exist. */
export class PathParamError extends Error {
  constructor(
    readonly param: string,
    readonly value: string,
    readonly problem: string,
  ) {
    super(`${param} ${problem}`);
  }
}

/** Quotes a client-supplied value for a message, shortened so an error never echoes a huge input. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
