/**
 * tensor-box: TypeScript SDK for tensor-box cloud sandboxes.
 *
 * `src/generated/` is generated from spec/openapi.yaml; `src/core/` is the handwritten runtime
 * (HTTP, retries, errors, configuration). This file only re-exports.
 */
export * from './generated/sandbox.js';
export type * from './generated/models.js';
export { SDK_VERSION as VERSION } from './generated/meta.js';
export {
  TensorBoxError,
  InvalidArgumentError,
  APIError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
} from './core/errors.js';
export type { CallOptions, ConnectionOptions, Logger, RequestOptions } from './core/config.js';
export { Paginator, type Page } from './core/paginator.js';
export type { Open } from './core/types.js';
