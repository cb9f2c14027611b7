/** Statuses worth another attempt (runtime-behaviour.md): timeouts, rate limits, server trouble. */
export const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;

/** Back-off before retry number `attempt + 1`: 0.5 s × 2^attempt, capped at 8 s, minus up to 25 % jitter. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BASE_DELAY_MS * 2 ** attempt, MAX_DELAY_MS);
  return Math.round(ceiling * (1 - 0.25 * random()));
}

/**
 * The wait a server asked for, in milliseconds: `Retry-After-Ms`, else `Retry-After` as seconds
 * or as an HTTP date. `undefined` when it asked for nothing (or something unreadable).
 */
export function serverRetryAfterMs(headers: Headers, now: () => number = Date.now): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now());
}
