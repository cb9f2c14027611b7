import { InvalidArgumentError } from './errors.js';
import { readEnv } from './platform.js';
import { DEFAULT_DOMAIN, ENV_API_KEY, ENV_DOMAIN } from '../generated/meta.js';

/** Something with a `debug` method, such as `console`. */
export interface Logger {
  debug(message: string): void;
}

/** How to reach the API. Kept by a `Sandbox` instance for all its later calls. */
export interface ConnectionOptions {
  /** The API's base URL. Default: `TENSOR_BOX_DOMAIN`, then `https://app.tos.run`. A bare host means https. */
  domain?: string;
  /** Sent as `X-API-Key` on every request. Default: `TENSOR_BOX_API_KEY`. */
  apiKey?: string;
  /** The limit for one attempt, in milliseconds. Default 60,000. */
  requestTimeoutMs?: number;
  /** Retries after the first attempt, for requests that are safe to retry. Default 2. */
  maxRetries?: number;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** The `fetch` to use. Default: the global one. */
  fetch?: typeof fetch;
  /** Log each request (method, URL, status, timing; never the API key or a body). Default: `TENSOR_BOX_DEBUG`. */
  debug?: boolean;
  /** Where debug lines go. Default: `console`. */
  logger?: Logger;
}

/** Options of one call. */
export interface RequestOptions {
  /** Cancels the call, retries included. */
  signal?: AbortSignal;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
  /** The limit for one attempt of this call, in milliseconds. */
  requestTimeoutMs?: number;
  /** Retries for this call. */
  maxRetries?: number;
}

/** Options of a static method: how to connect, and this call's options. */
export type CallOptions = ConnectionOptions & RequestOptions;

/** Options after defaults and environment are applied. */
export interface ResolvedConfig {
  baseUrl: string;
  apiKey: string;
  requestTimeoutMs: number;
  maxRetries: number;
  headers: Record<string, string>;
  fetch: typeof fetch;
  logger: Logger | undefined;
  signal: AbortSignal | undefined;
}

export const CONNECTION_KEYS = ['domain', 'apiKey', 'requestTimeoutMs', 'maxRetries', 'headers', 'fetch', 'debug', 'logger'] as const;
export const REQUEST_KEYS = ['signal', 'headers', 'requestTimeoutMs', 'maxRetries'] as const;

/** The connection part of some options: what an instance keeps (never a call's `signal`). */
export function connectionOf(options: CallOptions): ConnectionOptions {
  const out: Record<string, unknown> = {};
  for (const key of CONNECTION_KEYS) if (options[key] !== undefined) out[key] = options[key];
  return out as ConnectionOptions;
}

/** Applies explicit option > environment variable > default, and checks each value. */
export function resolveConfig(options: CallOptions, where: string): ResolvedConfig {
  const domain = options.domain ?? readEnv(ENV_DOMAIN) ?? DEFAULT_DOMAIN;
  const apiKey = options.apiKey ?? readEnv(ENV_API_KEY);
  if (apiKey === undefined || apiKey === '') {
    throw new InvalidArgumentError('apiKey', `${where}: no API key; pass apiKey or set ${ENV_API_KEY}`);
  }
  const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  const maxRetries = options.maxRetries ?? 2;
  checkWhole(where, 'requestTimeoutMs', requestTimeoutMs, 1, 3_600_000);
  checkWhole(where, 'maxRetries', maxRetries, 0, 10);
  const fetchImpl = options.fetch ?? (globalThis.fetch as typeof fetch | undefined);
  if (typeof fetchImpl !== 'function') {
    throw new InvalidArgumentError('fetch', `${where}: no global fetch in this runtime; pass a fetch implementation as "fetch"`);
  }
  const debug = options.debug ?? isTruthy(readEnv('TENSOR_BOX_DEBUG'));
  return {
    baseUrl: parseDomain(where, domain),
    apiKey,
    requestTimeoutMs,
    maxRetries,
    headers: options.headers ?? {},
    fetch: fetchImpl,
    logger: debug ? (options.logger ?? console) : undefined,
    signal: options.signal,
  };
}

/** Parsed domains, so that a hot loop of calls does not parse the same URL again and again. */
const parsedDomains = new Map<string, string>();

function parseDomain(where: string, domain: string): string {
  const known = parsedDomains.get(domain);
  if (known !== undefined) return known;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(domain) ? domain : `https://${domain}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InvalidArgumentError('domain', `${where}: domain must be a URL such as https://app.tos.run (got ${JSON.stringify(domain)})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidArgumentError('domain', `${where}: domain must use http or https (got ${JSON.stringify(domain)})`);
  }
  const base = url.href.replace(/\/+$/, '');
  if (parsedDomains.size < 64) parsedDomains.set(domain, base);
  return base;
}

function checkWhole(where: string, name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(name, `${where}: ${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`);
  }
}

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && !['0', 'false', 'no', 'off'].includes(value.toLowerCase());
}
