import type { ValueKind } from './table.js';

/**
 * The values the global connection flags accept: the SDK's own limits (tensor-box
 * core/config.ts). The CLI checks them itself so that a mistake is a usage error naming the flag,
 * found before the SDK is loaded; the help text is written from the same numbers.
 */
export const MAX_RETRIES = { kind: 'integer', min: 0, max: 10 } as const satisfies ValueKind;
export const REQUEST_TIMEOUT_MS = { kind: 'integer', min: 1, max: 3_600_000, unit: 'ms' } as const satisfies ValueKind;
/** The SDK's default for one attempt, for the help text. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
