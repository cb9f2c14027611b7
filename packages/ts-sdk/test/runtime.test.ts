// Retry, back-off, timeout, cancellation and error behaviour (runtime-behaviour.md) against an
// in-process fake server.
import { afterEach, describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  Sandbox,
  UnprocessableEntityError,
} from '../src/index.js';
import { request } from '../src/core/http.js';
import { resolveConfig } from '../src/core/config.js';
import { fakeServer, type FakeServer, sandboxJson, type Step } from './fake-server.js';

const KEY = 'tb_secret_key_7f3a9c';
let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(script: Step[] | ((req: { url: string }, i: number) => Step)) {
  server = await fakeServer(script);
  return { domain: server.url, apiKey: KEY };
}

const info = (overrides = {}) => ({ status: 200, body: sandboxJson(overrides) });
const apiError = (status: number, code: string, headers: Record<string, string> = {}) => ({
  status,
  headers,
  body: { code, message: `${code} happened`, requestId: `req_${status}` },
});

describe('retries', () => {
  it('retries 503, 503 then succeeds, with back-off between attempts', async () => {
    const opts = await serve([apiError(503, 'unavailable'), apiError(503, 'unavailable'), info()]);
    const result = await Sandbox.getInfo('sbx_fake1', opts);
    expect(result.sandboxId).toBe('sbx_fake1');
    const seen = server!.seen;
    expect(seen).toHaveLength(3);
    expect(seen.map((s) => s.headers['x-tensor-box-retry-count'])).toEqual(['0', '1', '2']);
    // 0.5 s × 2^n minus at most 25 % jitter: at least 375 ms, then at least 750 ms.
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(370);
    expect(seen[2]!.at - seen[1]!.at).toBeGreaterThanOrEqual(740);
  });

  it('gives up after maxRetries and reports the last error', async () => {
    const opts = await serve([apiError(502, 'bad_gateway')]);
    const error = await Sandbox.pause('sbx_fake1', { ...opts, maxRetries: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).status).toBe(502);
    expect(server!.seen).toHaveLength(2);
  });

  it('honours Retry-After: 1 on a 429, then succeeds', async () => {
    const opts = await serve([apiError(429, 'rate_limited', { 'retry-after': '1' }), info()]);
    await Sandbox.getInfo('sbx_fake1', opts);
    const [first, second] = server!.seen;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(990);
  });

  it('honours Retry-After-Ms', async () => {
    const opts = await serve([apiError(503, 'unavailable', { 'retry-after-ms': '50' }), info()]);
    await Sandbox.getInfo('sbx_fake1', opts);
    expect(server!.seen).toHaveLength(2);
  });

  it('does not wait when the server asks for more than 60 s: RateLimitError with retryAfter', async () => {
    const opts = await serve([apiError(429, 'rate_limited', { 'retry-after': '120' }), info()]);
    const started = Date.now();
    const error = await Sandbox.getInfo('sbx_fake1', opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBe(120);
    expect(server!.seen).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('retries a failed create with the same Idempotency-Key on every attempt', async () => {
    const opts = await serve([apiError(500, 'internal_error'), apiError(500, 'internal_error'), { status: 201, body: sandboxJson() }]);
    const sandbox = await Sandbox.create('default', opts);
    expect(sandbox.sandboxId).toBe('sbx_fake1');
    const keys = server!.seen.map((s) => s.headers['idempotency-key']);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys).size).toBe(1);
  });

  it('two creates get two different idempotency keys', async () => {
    const opts = await serve([{ status: 201, body: sandboxJson() }]);
    await Sandbox.create('default', opts);
    await Sandbox.create('default', opts);
    expect(server!.seen[0]!.headers['idempotency-key']).not.toBe(server!.seen[1]!.headers['idempotency-key']);
  });

  it('never retries an operation the spec does not mark retry-safe', async () => {
    const opts = await serve([apiError(503, 'unavailable'), info()]);
    const config = resolveConfig(opts, 'test');
    const error = await request(config, { method: 'POST', path: '/x', retrySafe: false }, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(server!.seen).toHaveLength(1);
  });

  it.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [422, UnprocessableEntityError],
  ])('a %i is %o, not retried, with code, message and request ID', async (status, cls) => {
    const opts = await serve([apiError(status, 'some_code'), info()]);
    const error = (await Sandbox.pause('sbx_fake1', opts).catch((e: unknown) => e)) as InstanceType<typeof cls>;
    expect(error).toBeInstanceOf(cls);
    expect(error.status).toBe(status);
    expect(error.code).toBe('some_code');
    expect(error.requestId).toBe(`req_${status}`);
    expect(error.message).toMatch(new RegExp(`^POST /sandboxes/sbx_fake1/pause → ${status} .+: some_code happened \\(request req_${status}\\)$`));
    expect(server!.seen).toHaveLength(1);
  });

  it('an error page that is not JSON keeps the status and says nothing it does not know', async () => {
    const opts = await serve([{ status: 404, raw: '<html>nope</html>', headers: { 'content-type': 'text/html' } }]);
    const error = (await Sandbox.kill('sbx_fake1', opts).catch((e: unknown) => e)) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('DELETE /sandboxes/sbx_fake1 → 404 Not Found');
  });
});

describe('connection failures', () => {
  it('a connection refused is an APIConnectionError after the retries', async () => {
    const closed = await fakeServer([info()]);
    const domain = closed.url;
    await closed.close();
    const error = await Sandbox.getInfo('sbx_fake1', { domain, apiKey: KEY, maxRetries: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).message).toContain('connection refused');
  });

  it('a reset before the headers is retried', async () => {
    const opts = await serve([{ reset: 'before-headers' }, info()]);
    await expect(Sandbox.getInfo('sbx_fake1', opts)).resolves.toMatchObject({ sandboxId: 'sbx_fake1' });
    expect(server!.seen).toHaveLength(2);
  });

  it('a reset in the middle of the body is retried, then an APIConnectionError', async () => {
    const opts = await serve([{ reset: 'mid-body' }]);
    const error = await Sandbox.getInfo('sbx_fake1', { ...opts, maxRetries: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).not.toBeInstanceOf(APIConnectionTimeoutError);
    expect(server!.seen).toHaveLength(2);
  });

  it('a response slower than the per-attempt timeout is retried, then an APIConnectionTimeoutError', async () => {
    const opts = await serve([{ status: 200, body: sandboxJson(), delayMs: 1_000 }]);
    const error = await Sandbox.getInfo('sbx_fake1', { ...opts, requestTimeoutMs: 100, maxRetries: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect((error as Error).message).toBe('GET /sandboxes/sbx_fake1: no response within 100 ms');
    expect(server!.seen).toHaveLength(2);
  });

  it('malformed JSON is an APIConnectionError, not a crash', async () => {
    const opts = await serve([{ status: 200, raw: '{"sandboxId": ' }]);
    const error = await Sandbox.getInfo('sbx_fake1', opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).message).toContain('not valid JSON');
  });

  it('a JSON value of the wrong shape is an APIConnectionError', async () => {
    const opts = await serve([{ status: 200, raw: 'null' }]);
    await expect(Sandbox.getInfo('sbx_fake1', opts)).rejects.toBeInstanceOf(APIConnectionError);
  });
});

describe('cancellation', () => {
  it('an abort during back-off is an APIUserAbortError at once', async () => {
    const opts = await serve([apiError(503, 'unavailable', { 'retry-after': '30' })]);
    const controller = new AbortController();
    const started = Date.now();
    const pending = Sandbox.getInfo('sbx_fake1', { ...opts, signal: controller.signal }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 200));
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(server!.seen).toHaveLength(1);
  });

  it('an abort while the request is in flight is an APIUserAbortError, not retried', async () => {
    const opts = await serve([{ status: 200, body: sandboxJson(), delayMs: 2_000 }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(Sandbox.getInfo('sbx_fake1', { ...opts, signal: controller.signal })).rejects.toBeInstanceOf(APIUserAbortError);
    expect(server!.seen).toHaveLength(1);
  });

  it('disconnect() cancels a call in flight and refuses later ones; the sandbox is not touched', async () => {
    const opts = await serve((req) => (req.url.endsWith('/connect') ? info() : { status: 200, body: sandboxJson(), delayMs: 2_000 }));
    const sandbox = await Sandbox.connect('sbx_fake1', opts);
    const pending = sandbox.getInfo().catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    await sandbox.disconnect();
    expect(await pending).toBeInstanceOf(APIUserAbortError);
    await expect(sandbox.kill()).rejects.toThrow(/disconnected/);
    expect(server!.seen.map((s) => s.method)).not.toContain('DELETE');
  });
});

describe('data', () => {
  it('an unknown state and unknown fields are returned, not an error', async () => {
    const opts = await serve([info({ state: 'hibernating', brandNewField: { x: 1 } })]);
    const result = await Sandbox.getInfo('sbx_fake1', opts);
    expect(result.state).toBe('hibernating');
    expect(result).not.toHaveProperty('brandNewField');
    expect(result.startedAt).toEqual(new Date('2026-11-29T10:00:00Z'));
  });

  it('isRunning is false for an unknown state', async () => {
    const opts = await serve([info({ state: 'hibernating' })]);
    await expect(Sandbox.isRunning('sbx_fake1', opts)).resolves.toBe(false);
  });
});

describe('lists over many pages', () => {
  const pages = 5;
  const perPage = 3;
  const script = (req: { url: string }): Step => {
    const cursor = new URL(req.url, 'http://x').searchParams.get('cursor');
    const page = cursor === null ? 0 : Number(cursor.slice(2));
    const sandboxes = Array.from({ length: perPage }, (_, i) => sandboxJson({ sandboxId: `sbx_${page * perPage + i}` }));
    return { status: 200, body: page + 1 < pages ? { sandboxes, nextCursor: `c_${page + 1}` } : { sandboxes } };
  };
  const expected = Array.from({ length: pages * perPage }, (_, i) => `sbx_${i}`);

  it('awaiting returns every item once, in order', async () => {
    const opts = await serve(script);
    const all = await Sandbox.list(opts);
    expect(all.map((s) => s.sandboxId)).toEqual(expected);
    expect(server!.seen.map((s) => new URL(s.url, 'http://x').searchParams.get('cursor'))).toEqual([null, 'c_1', 'c_2', 'c_3', 'c_4']);
  });

  it('for await fetches page by page and stops when the caller stops', async () => {
    const opts = await serve(script);
    const ids: string[] = [];
    for await (const s of Sandbox.list(opts)) {
      ids.push(s.sandboxId);
      if (ids.length === 4) break;
    }
    expect(ids).toEqual(expected.slice(0, 4));
    expect(server!.seen).toHaveLength(2);
  });

  it('for await reads every page when not stopped', async () => {
    const opts = await serve(script);
    const ids: string[] = [];
    for await (const s of Sandbox.list(opts)) ids.push(s.sandboxId);
    expect(ids).toEqual(expected);
  });
});
