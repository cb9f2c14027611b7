import type { ResolvedConfig } from './config.js';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  type APIError,
  apiErrorFor,
  APIUserAbortError,
  TensorBoxError,
} from './errors.js';
import { anySignal, randomId, runtimeName, sleep } from './platform.js';
import { buildPath, buildQuery, type QueryParam } from './query.js';
import { retryDelayMs, RETRYABLE_STATUSES, serverRetryAfterMs } from './retry.js';
import { API_KEY_HEADER, SDK_LANGUAGE, SDK_VERSION } from '../generated/meta.js';

/** What the generated code knows about an operation (from the spec). */
export interface OperationInfo {
  method: string;
  /** Path template: `/sandboxes/{sandboxId}/pause`. */
  path: string;
  /** Safe to retry (the spec's `x-tensor-box-idempotency`). */
  retrySafe: boolean;
  /** Header that carries an idempotency key, generated once per call when not given. */
  idempotencyKeyHeader?: string;
  /** The JSON the success response must hold; anything else is a malformed response. */
  responseShape?: 'object' | 'array';
}

/** A body with every field unset is no body at all (the server then applies its defaults). */
export function compactBody<T extends object>(body: T): T | undefined {
  return Object.values(body).some((v) => v !== undefined) ? body : undefined;
}

/** One call's request, before it is put on the wire. */
export interface RequestParts {
  pathParams?: Record<string, string>;
  query?: QueryParam[];
  headers?: Record<string, string | undefined>;
  /** JSON body; `undefined` sends no body at all. */
  body?: unknown;
  /** Values that must never appear in an error or a log (injected env values). */
  secrets?: string[];
}

const USER_AGENT = `tensor-box-${SDK_LANGUAGE}/${SDK_VERSION}`;
const RUNTIME = runtimeName();

/**
 * Sends a request with the retry, timeout and error policy of runtime-behaviour.md, and returns
 * the parsed JSON body (`undefined` for an empty one).
 */
export async function request(config: ResolvedConfig, op: OperationInfo, parts: RequestParts): Promise<unknown> {
  const path = buildPath(op.path, parts.pathParams ?? {});
  const url = config.baseUrl + path + buildQuery(parts.query ?? []);
  const headers = baseHeaders(config, op, parts);
  const body = parts.body === undefined ? undefined : JSON.stringify(parts.body);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const label = `${op.method} ${path}`;
  const redact = redactor([config.apiKey, ...(parts.secrets ?? [])]);

  for (let attempt = 0; ; attempt++) {
    const retriesLeft = op.retrySafe ? config.maxRetries - attempt : 0;
    headers['X-Tensor-Box-Retry-Count'] = String(attempt);
    let outcome: Outcome;
    try {
      outcome = await attemptOnce(config, op, url, headers, body, label, attempt, redact);
    } catch (err) {
      if (err instanceof APIUserAbortError) throw err;
      outcome = { kind: 'failed', error: err as TensorBoxError, retryable: true };
    }
    if (outcome.kind === 'ok') return outcome.value;

    const { error } = outcome;
    const waitMs = retriesLeft > 0 && outcome.retryable ? nextWait(outcome.retryAfterMs, attempt) : undefined;
    if (waitMs === undefined) throw error;
    log(config, `retrying ${label} in ${waitMs} ms after: ${error.message}`);
    try {
      await sleep(waitMs, config.signal);
    } catch {
      throw new APIUserAbortError(`${label}: cancelled while waiting to retry`);
    }
  }
}

type Outcome =
  | { kind: 'ok'; value: unknown }
  | { kind: 'failed'; error: TensorBoxError; retryable: boolean; retryAfterMs?: number };

/** The wait before the next attempt, or `undefined` to give up (a server asking for > 60 s). */
function nextWait(serverAskedMs: number | undefined, attempt: number): number | undefined {
  if (serverAskedMs !== undefined) return serverAskedMs <= 60_000 ? serverAskedMs : undefined;
  return retryDelayMs(attempt);
}

async function attemptOnce(
  config: ResolvedConfig,
  op: OperationInfo,
  url: string,
  headers: Record<string, string>,
  body: string | undefined,
  label: string,
  attempt: number,
  redact: (text: string) => string,
): Promise<Outcome> {
  const { method } = op;
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), config.requestTimeoutMs);
  // Creating abort signals is costly in Node: combine only when the caller brought one.
  const combined = config.signal ? anySignal([config.signal, timeout.signal]) : { signal: timeout.signal, dispose: () => {} };
  const started = Date.now();
  if (config.logger) log(config, redact(`→ ${method} ${url} (attempt ${attempt + 1}) ${describeHeaders(headers)}`));
  try {
    const response = await config.fetch(url, { method, headers, body, signal: combined.signal });
    // The body is read under the same timeout: a server that stalls mid-body is a timeout too.
    const text = await response.text();
    const requestId = response.headers.get('x-request-id') ?? undefined;
    if (config.logger) log(config, `← ${response.status} ${label} in ${Date.now() - started} ms${requestId ? ` (request ${requestId})` : ''}`);
    if (response.ok) return { kind: 'ok', value: parseSuccess(text, label, op.responseShape) };
    const retryAfterMs = serverRetryAfterMs(response.headers);
    const error = errorFromResponse(response, redact(text), method, label, retryAfterMs);
    return { kind: 'failed', error, retryable: RETRYABLE_STATUSES.has(response.status), retryAfterMs };
  } catch (err) {
    if (config.signal?.aborted) throw new APIUserAbortError(`${label}: cancelled by the caller`, { cause: err });
    if (timeout.signal.aborted) {
      return { kind: 'failed', error: new APIConnectionTimeoutError(`${label}: no response within ${config.requestTimeoutMs} ms`), retryable: true };
    }
    if (err instanceof TensorBoxError) return { kind: 'failed', error: err, retryable: false };
    return { kind: 'failed', error: new APIConnectionError(redact(`${label}: ${connectionReason(err)}`), { cause: err }), retryable: true };
  } finally {
    clearTimeout(timer);
    combined.dispose();
  }
}

function parseSuccess(text: string, label: string, shape: OperationInfo['responseShape']): unknown {
  if (shape === undefined && text === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new APIConnectionError(`${label}: the response is not valid JSON (${text.length} bytes)`);
  }
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  if (shape !== undefined && actual !== shape) {
    throw new APIConnectionError(`${label}: expected a JSON ${shape} in the response, got ${actual}`);
  }
  return value;
}

function errorFromResponse(
  response: Response,
  text: string,
  method: string,
  label: string,
  retryAfterMs: number | undefined,
): APIError {
  let payload: { code?: unknown; message?: unknown; requestId?: unknown } = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object') payload = parsed as typeof payload;
  } catch {
    // A non-JSON error page (a proxy's HTML, say): keep the status, report no server message.
  }
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  return apiErrorFor({
    status: response.status,
    method,
    path: label.slice(method.length + 1),
    code: str(payload.code),
    serverMessage: str(payload.message) ?? str((payload as { detail?: unknown }).detail),
    requestId: str(payload.requestId) ?? response.headers.get('x-request-id') ?? undefined,
    headers: response.headers,
    retryAfterMs,
  });
}

function baseHeaders(config: ResolvedConfig, op: OperationInfo, parts: RequestParts): Record<string, string> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'User-Agent': USER_AGENT,
    'X-Tensor-Box-Lang': SDK_LANGUAGE,
    'X-Tensor-Box-Version': SDK_VERSION,
    'X-Tensor-Box-Runtime': RUNTIME,
    ...config.headers,
  };
  for (const [name, value] of Object.entries(parts.headers ?? {})) if (value !== undefined) headers[name] = value;
  if (op.idempotencyKeyHeader && headers[op.idempotencyKeyHeader] === undefined) {
    // Generated once per call, so every retry carries the same key.
    headers[op.idempotencyKeyHeader] = randomId();
  }
  headers[API_KEY_HEADER] = config.apiKey;
  return headers;
}

function connectionReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset by the server';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name could not be resolved';
  const message = cause?.message ?? (err as Error).message ?? String(err);
  return `connection failed (${message})`;
}

function describeHeaders(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([k, v]) => `${k}: ${k.toLowerCase() === API_KEY_HEADER.toLowerCase() ? '***' : v}`)
    .join('; ');
}

/**
 * Removes secrets from text that may reach an error or a log: a server or proxy that echoes the
 * API key or an env value must not make the SDK print it. Very short values are left alone
 * (replacing every "a" would garble messages and hides nothing).
 */
function redactor(secrets: string[]): (text: string) => string {
  const targets = secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  return (text) => targets.reduce((out, secret) => out.split(secret).join('***'), text);
}

function log(config: ResolvedConfig, line: string): void {
  config.logger?.debug(`[tensor-box] ${line}`);
}
