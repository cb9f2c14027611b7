// The checks of a conformance case (test/conformance/README.md), shared by the TS runners.
import { expect } from 'vitest';

export interface RecordedRequest {
  tag: string | null;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: string | null;
  status: number;
  violations: { message?: string; location?: unknown }[];
}

type HeaderExpectation = string | { present: true } | { absent: true };

interface RequestExpectation {
  method: string;
  path: string;
  query: string;
  body: unknown;
  headers?: Record<string, HeaderExpectation>;
}

export interface HarnessCase {
  tag: string;
  name: string;
  call: {
    method: string;
    on: 'class' | 'instance';
    id?: string;
    args?: unknown[];
    options?: Record<string, unknown>;
    client?: Record<string, unknown>;
    prefer?: string;
    take?: number;
    disconnectFirst?: boolean;
  };
  expect: {
    request?: RequestExpectation;
    requests?: RequestExpectation[];
    metadata?: Record<string, string>;
    requestCount?: number;
    result?: unknown;
    error?: Record<string, unknown> & { class: string };
  };
}

export interface CheckOptions {
  apiKey: string;
  userAgent: RegExp;
  /** The neutral fields of an error thrown by this language's SDK. */
  errorFields: (error: unknown) => Record<string, unknown>;
}

export function checkCase(
  c: HarnessCase,
  outcome: { result?: unknown; error?: unknown },
  requests: RecordedRequest[],
  setup: RecordedRequest[],
  options: CheckOptions,
): void {
  for (const r of [...setup, ...requests]) {
    expect(r.violations, `Prism violations for ${r.method} ${r.path}?${r.query}`).toEqual([]);
    expect(r.headers['x-api-key'], 'X-API-Key').toBe(options.apiKey);
    expect(String(r.headers['user-agent']), 'User-Agent').toMatch(options.userAgent);
  }

  const want = c.expect;
  if (want.requestCount !== undefined) expect(requests.length, 'number of requests').toBe(want.requestCount);
  if (want.requests) {
    expect(requests.length, 'number of requests').toBe(want.requests.length);
    want.requests.forEach((w, i) => checkRequest(requests[i]!, w));
  }
  if (want.request) {
    expect(requests.length, 'a request was sent').toBeGreaterThan(0);
    checkRequest(requests[requests.length - 1]!, want.request);
  }
  if (want.metadata) {
    const last = requests[requests.length - 1]!;
    const value = new URLSearchParams(last.query).get('metadata');
    expect(value, 'metadata query value').not.toBeNull();
    expect(Object.fromEntries(new URLSearchParams(value!)), 'metadata round-trip').toEqual(want.metadata);
  }

  if (want.error) {
    expect(outcome.error, `expected ${want.error.class}, got result ${JSON.stringify(outcome.result)}`).toBeDefined();
    const actual = options.errorFields(outcome.error);
    for (const [key, value] of Object.entries(want.error)) {
      expect(actual[key], `error.${key} (${String(actual.message)})`).toEqual(value);
    }
  } else {
    if (outcome.error) throw outcome.error;
    expect(outcome.result).toEqual(want.result ?? null);
  }
}

function checkRequest(actual: RecordedRequest, want: RequestExpectation): void {
  expect(actual.method).toBe(want.method);
  expect(actual.path).toBe(want.path);
  expect(actual.query, 'raw query string').toBe(want.query);
  if (want.body === null) {
    expect(actual.body, 'no body').toBeNull();
    expect(actual.headers['content-type'], 'no content-type without a body').toBeUndefined();
  } else {
    expect(actual.body, 'a JSON body').not.toBeNull();
    expect(JSON.parse(actual.body!)).toEqual(want.body);
  }
  for (const [name, expected] of Object.entries(want.headers ?? {})) {
    const value = actual.headers[name];
    if (typeof expected === 'string') expect(value, `header ${name}`).toBe(expected);
    else if ('present' in expected) expect(value, `header ${name}`).toBeTruthy();
    else expect(value, `header ${name}`).toBeUndefined();
  }
}
