// Configuration resolution, argument checks and secret hygiene.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError, NotFoundError, Sandbox } from '../src/index.js';
import { buildQuery, encodeStrict } from '../src/core/query.js';
import { retryDelayMs, serverRetryAfterMs } from '../src/core/retry.js';
import { fakeServer, type FakeServer, sandboxJson, type Step } from './fake-server.js';

const KEY = 'tb_live_SECRETKEY_1234567890';
const ENV_VALUE = 'env-value-TOPSECRET-42';

let server: FakeServer | undefined;
const savedEnv = { ...process.env };
beforeEach(() => {
  delete process.env.TENSOR_BOX_DOMAIN;
  delete process.env.TENSOR_BOX_API_KEY;
  delete process.env.TENSOR_BOX_DEBUG;
});
afterEach(async () => {
  process.env = { ...savedEnv };
  await server?.close();
  server = undefined;
});

async function serve(script: Step[]) {
  server = await fakeServer(script);
  return server.url;
}

describe('configuration', () => {
  it('takes the domain and the API key from the environment', async () => {
    process.env.TENSOR_BOX_DOMAIN = await serve([{ status: 200, body: sandboxJson() }]);
    process.env.TENSOR_BOX_API_KEY = 'from-env';
    await Sandbox.getInfo('sbx_1');
    expect(server!.seen[0]!.headers['x-api-key']).toBe('from-env');
  });

  it('an explicit option wins over the environment', async () => {
    const url = await serve([{ status: 200, body: sandboxJson() }]);
    process.env.TENSOR_BOX_DOMAIN = 'http://127.0.0.1:1';
    process.env.TENSOR_BOX_API_KEY = 'from-env';
    await Sandbox.getInfo('sbx_1', { domain: url, apiKey: 'explicit' });
    expect(server!.seen[0]!.headers['x-api-key']).toBe('explicit');
  });

  it('sends the SDK headers on every request', async () => {
    const url = await serve([{ status: 200, body: sandboxJson() }]);
    await Sandbox.getInfo('sbx_1', { domain: url, apiKey: KEY, headers: { 'X-Extra': 'client' } });
    const headers = server!.seen[0]!.headers;
    expect(headers['user-agent']).toMatch(/^tensor-box-ts\/\d+\.\d+\.\d+$/);
    expect(headers['x-tensor-box-lang']).toBe('ts');
    expect(headers['x-tensor-box-runtime']).toMatch(/^node\/\d+/);
    expect(headers['x-tensor-box-retry-count']).toBe('0');
    expect(headers['x-extra']).toBe('client');
  });

  it('without an API key, refuses before any request and says how to give one', async () => {
    const url = await serve([{ status: 200, body: sandboxJson() }]);
    const error = await Sandbox.getInfo('sbx_1', { domain: url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toBe('Sandbox.getInfo: no API key; pass apiKey or set TENSOR_BOX_API_KEY');
    expect(server!.seen).toHaveLength(0);
  });

  it.each([
    ['ftp://example.com', 'domain must use http or https'],
    ['http://exa mple.com', 'domain must be a URL'],
  ])('refuses the domain %s', async (domain, message) => {
    await expect(Sandbox.getInfo('sbx_1', { domain, apiKey: KEY })).rejects.toThrow(message);
  });

  it('a bare host means https', async () => {
    const error = await Sandbox.getInfo('sbx_1', { domain: '127.0.0.1:1', apiKey: KEY, maxRetries: 0 }).catch((e: Error) => e);
    expect(error.message).toMatch(/^GET \/sandboxes\/sbx_1: /);
  });
});

describe('argument checks: InvalidArgumentError before any request', () => {
  const cases: [string, (o: { domain: string; apiKey: string }) => Promise<unknown>, string, RegExp][] = [
    ['empty ID', (o) => Sandbox.kill('', o), 'sandboxId', /sandboxId must be a non-empty string \(got ""\)/],
    ['non-string ID', (o) => Sandbox.getInfo(42 as unknown as string, o), 'sandboxId', /must be a string \(got 42\)/],
    ['negative timeout', (o) => Sandbox.setTimeout('sbx_1', -1, o), 'timeoutMs', /timeoutMs must be an integer from 1000 to 86400000 ms \(got -1\)/],
    ['fractional timeout', (o) => Sandbox.resume('sbx_1', 1500.5, o), 'timeoutMs', /\(got 1500\.5\)/],
    ['huge timeout', (o) => Sandbox.keepAlive('sbx_1', 1e12, o), 'durationMs', /durationMs must be an integer from 1000 to 86400000 ms/],
    ['NaN timeout', (o) => Sandbox.create('default', { ...o, timeoutMs: Number.NaN }), 'timeoutMs', /\(got NaN\)/],
    ['non-string metadata', (o) => Sandbox.create('default', { ...o, metadata: { a: 1 as unknown as string } }), 'metadata.a', /metadata\.a must be a string \(got 1\)/],
    ['unknown onTimeout', (o) => Sandbox.create('default', { ...o, lifecycle: { onTimeout: 'explode' as 'kill' } }), 'lifecycle.onTimeout', /one of 'kill', 'pause' \(got "explode"\)/],
    ['autoResume with kill', (o) => Sandbox.create('default', { ...o, lifecycle: { onTimeout: 'kill', autoResume: true } }), 'lifecycle.onTimeout', /autoResume only applies when onTimeout is 'pause'/],
    ['unknown lifecycle field', (o) => Sandbox.create('default', { ...o, lifecycle: { onTimeOut: 'pause' } as never }), 'lifecycle.onTimeOut', /not a known field/],
    ['unknown state', (o) => Sandbox.list({ ...o, query: { state: ['hibernating' as 'running'] } }), 'state[0]', /state\[0\] must be one of 'running', 'paused', 'closed'/],
    ['misspelt option', (o) => Sandbox.create('default', { ...o, timeoutMS: 5 } as never), 'options.timeoutMS', /unknown option options\.timeoutMS/],
    ['misspelt list filter', (o) => Sandbox.list({ ...o, query: { states: ['paused'] } as never }), 'options.query.states', /unknown option options\.query\.states/],
    ['invalid date', (o) => Sandbox.getLogs('sbx_1', { ...o, since: new Date('nope') }), 'since', /since must be a valid Date \(got an invalid Date\)/],
    ['missing timeout', (o) => Sandbox.setTimeout('sbx_1', undefined as unknown as number, o), 'timeoutMs', /timeoutMs is required/],
  ];

  it.each(cases)('%s', async (_, call, argument, message) => {
    const url = await serve([{ status: 200, body: sandboxJson() }]);
    const error = await call({ domain: url, apiKey: KEY }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe(argument);
    expect((error as Error).message).toMatch(message);
    expect(server!.seen).toHaveLength(0);
  });

  it('a non-string env value is refused without printing it', async () => {
    const url = await serve([{ status: 201, body: sandboxJson() }]);
    const error = await Sandbox.create('default', { domain: url, apiKey: KEY, envs: { TOKEN: 123456789 as unknown as string } }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toBe('Sandbox.create: envs.TOKEN must be a string (got a number)');
    expect(server!.seen).toHaveLength(0);
  });
});

describe('secrets never reach errors or logs', () => {
  it('debug logging shows requests but never the API key or an env value, even when the server echoes them', async () => {
    const echo = { code: 'bad', message: `rejected key ${KEY} and env ${ENV_VALUE}`, requestId: 'req_1' };
    const url = await serve([{ status: 400, body: echo }]);
    const lines: string[] = [];
    const error = await Sandbox.create('default', {
      domain: url,
      apiKey: KEY,
      envs: { TOKEN: ENV_VALUE },
      debug: true,
      logger: { debug: (line) => lines.push(line) },
    }).catch((e: Error) => e);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toContain(`→ POST ${url}/sandboxes`);
    expect(lines.join('\n')).toContain('X-API-Key: ***');
    for (const text of [...lines, error.message, String(error.stack), JSON.stringify(error)]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(ENV_VALUE);
    }
    expect(error.message).toBe('POST /sandboxes → 400 Bad Request: rejected key *** and env *** (request req_1)');
  });

  it('TENSOR_BOX_DEBUG turns debug logging on', async () => {
    const url = await serve([{ status: 404, body: { code: 'sandbox_not_found', message: 'no' } }]);
    process.env.TENSOR_BOX_DEBUG = '1';
    const lines: string[] = [];
    await expect(Sandbox.getInfo('sbx_1', { domain: url, apiKey: KEY, logger: { debug: (l) => lines.push(l) } })).rejects.toBeInstanceOf(NotFoundError);
    expect(lines.some((l) => l.includes('← 404 GET /sandboxes/sbx_1'))).toBe(true);
  });
});

describe('wire encoding', () => {
  it('percent-encodes everything outside the RFC 3986 unreserved set', () => {
    expect(encodeStrict("a-b_c.d~e!'()*&=+ %/ü")).toBe('a-b_c.d~e%21%27%28%29%2A%26%3D%2B%20%25%2F%C3%BC');
  });

  it('writes arrays as repeated pairs and a metadata map as one form-encoded value, in order', () => {
    const query = buildQuery([
      { name: 'state', style: 'form-explode', value: ['running', 'paused'] },
      { name: 'metadata', style: 'form-urlencoded-map', value: { 'a&b': 'c=d', team: 'ml' } },
      { name: 'limit', style: 'form', value: 10 },
      { name: 'cursor', style: 'form', value: undefined },
    ]);
    expect(query).toBe('?state=running&state=paused&metadata=a%2526b%3Dc%253Dd%26team%3Dml&limit=10');
    const metadata = new URLSearchParams(query).get('metadata')!;
    expect(Object.fromEntries(new URLSearchParams(metadata))).toEqual({ 'a&b': 'c=d', team: 'ml' });
  });

  it('an empty metadata filter sends nothing', () => {
    expect(buildQuery([{ name: 'metadata', style: 'form-urlencoded-map', value: {} }])).toBe('');
  });
});

describe('back-off arithmetic', () => {
  it('is 0.5 s × 2^attempt, capped at 8 s, minus up to 25 % jitter', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((n) => retryDelayMs(n, () => 0))).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
    expect(retryDelayMs(0, () => 1)).toBe(375);
  });

  it('reads Retry-After as seconds or an HTTP date, and Retry-After-Ms first', () => {
    const now = () => Date.parse('2026-11-29T10:00:00Z');
    expect(serverRetryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(serverRetryAfterMs(new Headers({ 'retry-after': 'Sun, 29 Nov 2026 10:00:03 GMT' }), now)).toBe(3000);
    expect(serverRetryAfterMs(new Headers({ 'retry-after': '2', 'retry-after-ms': '150' }), now)).toBe(150);
    expect(serverRetryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(serverRetryAfterMs(new Headers(), now)).toBeUndefined();
  });
});
